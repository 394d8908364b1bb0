/**
 * After a scenario: did every application end exactly once? Read from the three places that keep
 * the truth, never from what the driver believes: Temporal (each application id has one run, and
 * it completed in a terminal stage), the ledger (each decision is recorded once as evidence), and
 * the loan system's receiver (one terminal event per application, each event id processed once).
 */
import { WorkflowFailedError, type Client } from '@temporalio/client';
import { Contract } from 'ethers';
import { type ApplicationState, type LoanStage } from '#domain';
import { applicationReference } from '#hashing';
import { EvidenceKind } from '#ledger';
import { EVIDENCE_REGISTRY_ABI } from '#ledger';
import { devProvider } from '#stack/anvil';
import { sleep } from '#stack/stack';
import { type ReceivedEvent } from '#stack/webhook-receiver';
import { type DrivenApplication } from './loan-driver.js';

const TERMINAL_EVENTS = ['application.decided', 'application.withdrawn', 'application.expired', 'application.failed'];
const EXPECTED: Record<DrivenApplication['intent'], LoanStage> = { approve: 'APPROVED', decline: 'DECLINED' };

export interface AuditInput {
  client: Client;
  apps: DrivenApplication[];
  processedEvents: readonly ReceivedEvent[];
  ledger: { rpcUrl: string; chainId: number; evidenceAddress: string };
  evidenceReferenceKey: string;
  /** How long to wait for workflows still finishing (e.g. a webhook still being retried). */
  settleMs: number;
  log: (message: string) => void;
}

export interface Audit {
  applications: number;
  /** Ended in a terminal stage, with its decision evidence and its terminal webhook. */
  terminal: number;
  /** Never reached a terminal stage, or reached it without its evidence or its webhook. */
  lost: number;
  /** A second run, a second decision on the ledger, a second terminal event, or "created" twice. */
  duplicates: number;
  /** Ended, but not as the reviewer decided. */
  wrongOutcome: number;
  outcomes: Partial<Record<LoanStage, number>>;
  /**
   * What the faults cost, read from the histories: activity attempts beyond the first, by activity
   * (e.g. verification and decision evidence redone after a worker was killed), and workflow tasks
   * that timed out (a worker died holding them).
   */
  retries: { activityAttempts: Record<string, number>; workflowTaskTimeouts: number };
  /** One line per application that is lost, duplicated or wrong (at most 20). */
  findings: string[];
}

interface Closed {
  runs: number;
  stage?: LoanStage;
  failure?: string;
}

export async function auditOutcomes(input: AuditInput): Promise<Audit> {
  const closed = await closedWorkflows(input.client, input.apps, Date.now() + input.settleMs, input.log);
  input.log('reading decisions from the ledger and retries from the histories');
  const decisionsOnLedger = await decisionEvidenceCounts(input.ledger);
  const terminalEvents = new Map<string, Set<string>>();
  for (const event of input.processedEvents) {
    if (!TERMINAL_EVENTS.includes(event.type)) continue;
    const ids = terminalEvents.get(event.workflowId) ?? new Set<string>();
    ids.add(event.eventId);
    terminalEvents.set(event.workflowId, ids);
  }

  const audit: Audit = {
    applications: input.apps.length,
    terminal: 0,
    lost: 0,
    duplicates: 0,
    wrongOutcome: 0,
    outcomes: {},
    retries: await retriesInHistories(input.client, input.apps),
    findings: [],
  };
  const find = (app: DrivenApplication, what: string): void => {
    if (audit.findings.length < 20) audit.findings.push(`${app.workflowId}: ${what}`);
  };
  for (const app of input.apps) {
    const workflow = closed.get(app.workflowId) ?? { runs: 0 };
    const decisions = decisionsOnLedger.get(applicationReference(app.workflowId, input.evidenceReferenceKey)) ?? 0;
    const events = terminalEvents.get(app.workflowId)?.size ?? 0;
    if (workflow.stage) audit.outcomes[workflow.stage] = (audit.outcomes[workflow.stage] ?? 0) + 1;

    const duplicated = [
      workflow.runs > 1 && `${workflow.runs} workflow runs`,
      decisions > 1 && `${decisions} decisions recorded on the ledger`,
      events > 1 && `${events} terminal webhook events`,
      app.createdAnswers > 1 && `created ${app.createdAnswers} times`,
    ].filter((reason): reason is string => typeof reason === 'string');
    if (duplicated.length > 0) {
      audit.duplicates += 1;
      find(app, `duplicated: ${duplicated.join(', ')}`);
    }

    const missing = [
      !workflow.stage &&
        `no terminal stage (${workflow.failure ?? (workflow.runs === 0 ? 'no workflow' : 'still running')})`,
      decisions === 0 && 'no decision on the ledger',
      events === 0 && 'no terminal webhook processed',
      ...app.problems,
    ].filter((reason): reason is string => typeof reason === 'string');
    if (missing.length > 0) {
      audit.lost += 1;
      find(app, `lost: ${missing.join(', ')}`);
      continue;
    }
    audit.terminal += 1;
    if (workflow.stage !== EXPECTED[app.intent]) {
      audit.wrongOutcome += 1;
      find(app, `ended ${workflow.stage}, the reviewer chose ${app.intent}`);
    }
  }
  return audit;
}

/**
 * Each application's run count and, once its (only) run completed, its final stage. Decided
 * applications still running (the decision's evidence or webhook pending) are waited for.
 */
async function closedWorkflows(
  client: Client,
  apps: DrivenApplication[],
  until: number,
  log: (message: string) => void,
): Promise<Map<string, Closed>> {
  const closed = new Map<string, Closed>();
  let pending = apps;
  for (;;) {
    const stillRunning: DrivenApplication[] = [];
    for (const app of pending) {
      const runs: string[] = [];
      for await (const execution of client.workflow.list({ query: `WorkflowId = '${app.workflowId}'` })) {
        runs.push(execution.status.name);
      }
      if (runs.length === 0 || runs.includes('RUNNING')) {
        // Worth waiting for only when the application is decided and its last steps may be pending.
        if (app.finalStage) stillRunning.push(app);
        closed.set(app.workflowId, { runs: runs.length });
        continue;
      }
      try {
        const state = (await client.workflow.getHandle(app.workflowId).result()) as ApplicationState;
        closed.set(app.workflowId, { runs: runs.length, stage: state.stage });
      } catch (error) {
        const failure = error instanceof WorkflowFailedError ? (error.cause?.message ?? error.message) : String(error);
        closed.set(app.workflowId, { runs: runs.length, failure });
      }
    }
    pending = stillRunning;
    if (pending.length === 0 || Date.now() > until) return closed;
    log(`${pending.length} decided applications still finishing (evidence or webhook pending)`);
    await sleep(2_000);
  }
}

/** How many decisions the evidence registry holds per application reference. */
async function decisionEvidenceCounts(ledger: AuditInput['ledger']): Promise<Map<string, number>> {
  const provider = devProvider(ledger.rpcUrl, ledger.chainId);
  try {
    const registry = new Contract(ledger.evidenceAddress, EVIDENCE_REGISTRY_ABI, provider);
    const counts = new Map<string, number>();
    for (const log of await registry.queryFilter(registry.filters.EvidenceRecorded!(), 0, 'latest')) {
      if (!('args' in log)) continue;
      const [, , applicationRef, kind] = log.args as unknown as [string, string, string, bigint];
      if (Number(kind) !== EvidenceKind.Decision) continue;
      const ref = applicationRef.slice(2).toLowerCase();
      counts.set(ref, (counts.get(ref) ?? 0) + 1);
    }
    return counts;
  } finally {
    provider.destroy();
  }
}

async function retriesInHistories(client: Client, apps: DrivenApplication[]): Promise<Audit['retries']> {
  const retries: Audit['retries'] = { activityAttempts: {}, workflowTaskTimeouts: 0 };
  for (const app of apps) {
    const history = await client.workflow
      .getHandle(app.workflowId)
      .fetchHistory()
      .catch(() => undefined);
    const activityOf = new Map<string, string>();
    for (const event of history?.events ?? []) {
      const scheduled = event.activityTaskScheduledEventAttributes;
      if (scheduled) activityOf.set(String(event.eventId), scheduled.activityType?.name ?? 'unknown');
      const started = event.activityTaskStartedEventAttributes;
      if (started && (started.attempt ?? 1) > 1) {
        const name = activityOf.get(String(started.scheduledEventId)) ?? 'unknown';
        retries.activityAttempts[name] = (retries.activityAttempts[name] ?? 0) + (started.attempt ?? 1) - 1;
      }
      if (event.workflowTaskTimedOutEventAttributes) retries.workflowTaskTimeouts += 1;
    }
  }
  return retries;
}
