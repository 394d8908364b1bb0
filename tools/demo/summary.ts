/**
 * The table printed at the end: each application as the API shows it now, and where to look at it
 * (the reviewer console for tasks in review, the Temporal UI for all), then the tokens to sign in.
 */
import { type Application, type ReviewTask } from './lendbridge-api.js';
import { TENANT, tokenCommand, type Party } from './parties.js';

export interface SummaryRow {
  application: Application;
  /** The reviewer's view, for applications in review: claims and approvals are not the loan system's to see. */
  task?: ReviewTask;
}

export interface SummaryLinks {
  apiUrl: string;
  temporalUiUrl: string;
  namespace: string;
  /** The data directory, when it is not the default: `npm run token` needs it too. */
  dataDir?: string;
  run: string;
}

export function renderSummary(rows: SummaryRow[], links: SummaryLinks): string {
  const table = rows.map(({ application, task }) => ({
    id: application.applicationId,
    stage: stageLabel(application),
    detail: detail(application, task),
    application,
  }));
  const idWidth = Math.max(...table.map((row) => row.id.length), 'application'.length);
  const stageWidth = Math.max(...table.map((row) => row.stage.length), 'stage'.length);
  const lines = [`  ${'application'.padEnd(idWidth)}  ${'stage'.padEnd(stageWidth)}  details`];
  for (const row of table) {
    lines.push(`  ${row.id.padEnd(idWidth)}  ${row.stage.padEnd(stageWidth)}  ${row.detail}`);
    const indent = ' '.repeat(idWidth + 4);
    if (row.application.stage === 'IN_REVIEW') {
      lines.push(`${indent}console   ${links.apiUrl}/console#/tasks/${row.application.tenant}/${row.id}`);
    }
    lines.push(`${indent}temporal  ${row.application.links.temporalUi}`);
  }
  const runQuery = encodeURIComponent(`WorkflowId STARTS_WITH 'loan/${TENANT}/${links.run}'`);
  const token = (party: Party, label: string) => `    ${label.padEnd(24)} ${tokenCommand(party, links.dataDir)}`;
  return [
    ...lines,
    '',
    `this run in the Temporal UI: ${links.temporalUiUrl}/namespaces/${encodeURIComponent(links.namespace)}/workflows?query=${runQuery}`,
    '',
    'tokens: each command prints one, valid 8 hours',
    `  reviewer console ${links.apiUrl}/console: sign in with a reviewer's token, then open the links above`,
    token('alice', 'alice (reviewer)'),
    token('bob', 'bob (reviewer)'),
    token('carol', 'carol (senior reviewer)'),
    `  the API as the loan system (curl, or ${links.apiUrl}/docs)`,
    token('loanSystem', 'los-bank-a'),
    `  decrypted payloads in the Temporal UI: sign in at ${links.apiUrl}/codec/sign-in`,
    token('ops', 'olivia (ops)'),
  ].join('\n');
}

function stageLabel(application: Application): string {
  if (application.stage === 'IN_REVIEW' && application.review?.escalated) return 'IN_REVIEW (escalated)';
  return application.stage;
}

function detail(application: Application, task: ReviewTask | undefined): string {
  const review = task?.review;
  switch (application.stage) {
    case 'AWAITING_CONSENT':
      return "waiting for the applicant's consent";
    case 'AWAITING_REPORT':
      return 'consent recorded on the ledger; waiting for the credit report';
    case 'IN_REVIEW': {
      if (!review) return 'in review';
      const approvals = review.decisions.filter((d) => d.outcome.kind === 'approve').length;
      const facts = [
        `queue ${review.queue}`,
        `report ${task?.verification?.verdict ?? 'unverified'}`,
        review.approvalsRequired > 1 ? `four eyes: ${approvals} of ${review.approvalsRequired} approvals` : undefined,
        review.claimedBy ? `claimed by ${review.claimedBy}` : 'unclaimed',
        review.escalated
          ? `senior reviewers only; expires ${clock(review.dueAt)}`
          : Date.parse(review.dueAt) - Date.now() < 3_600_000
            ? `escalates ${clock(review.dueAt)}`
            : undefined,
      ];
      return facts.filter(Boolean).join(', ');
    }
    case 'APPROVED':
      return `credit line ${application.decision?.limit?.amount} ${application.decision?.limit?.currency}`;
    case 'DECLINED':
      return `reasons: ${application.decision?.reasonCodes?.join(', ')}`;
    case 'WITHDRAWN':
      return 'withdrawn by the loan system';
    default:
      return application.timeline.at(-1)?.event ?? '';
  }
}

/** A due time as the person's local clock shows it. */
function clock(iso: string): string {
  return `at ${new Date(iso).toLocaleTimeString()}`;
}
