/**
 * Runs loan application workflows on the time-skipping server with stub activities, for the
 * scenario tests and the model-based test: starts one, drives it with signed actions as the API
 * would, and records what the workflow asked of the outside world.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { WorkflowUpdateFailedError, type WorkflowHandle } from '@temporalio/client';
import { type TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import {
  applicationWorkflowId,
  claimReview,
  completeReview,
  DEFAULT_POLICY,
  grantConsent,
  LOAN_APPLICATION_WORKFLOW,
  releaseReview,
  revokeConsent,
  submitCreditReport,
  submitDocumentUpdate,
  Verdict,
  type Actor,
  type ApplicationInput,
  type ApplicationState,
  type ConsentGrant,
  type DocumentConsentGrant,
  type DocumentSubmission,
  type LoanApplicationActivities,
  type ReportSubmission,
  type ReviewOutcome,
  type VerificationReceipt,
  type WebhookEvent,
} from '#domain';
import { temporalCliPath } from '#stack/temporal';
import { withActionKeys } from '#temporal';
import { act, TEST_VERIFY_KEYS } from '#test-support/actions';
import { loanSystem, southboundConsent } from '#test-support/loan-parties';
import { bundleWorkflows } from '#worker/workflow-bundle';

export const report: ReportSubmission = {
  reportHash: 'a'.repeat(64),
  scheme: 'sha256-raw-v1',
  decisionFields: { score: 720, scoreBand: 'A', delinquencyFlags: [] },
};

export const receipt = (verdict: VerificationReceipt['verdict']): VerificationReceipt => ({
  verdict,
  reportHash: report.reportHash,
  chainId: '31337',
  contract: '0x5FbDB2315678afecb367f032d93F642f64180aa3',
  checkedAtBlock: 10,
});

export interface ActivityCalls {
  evidence: string[];
  webhooks: WebhookEvent[];
  notified: string[];
  verifications: { issuer: string }[];
  /** Document verifications, in the order the workflow started them. */
  documentVerifications: { documentKey: string; version: number; kind: string; issuer: string }[];
}

/**
 * Stub activities that record what the workflow asked. `ledger.verdict` is read at each
 * verification, so a test (or the model) can change what the ledger says between two of them.
 */
export function fakeActivities(verdicts: VerificationReceipt['verdict'][] = [Verdict.VERIFIED]) {
  const calls: ActivityCalls = {
    evidence: [],
    webhooks: [],
    notified: [],
    verifications: [],
    documentVerifications: [],
  };
  const ledger = {
    verdict: undefined as VerificationReceipt['verdict'] | undefined,
    /** What the ledger says of a document's hash (VERIFIED when not named). */
    documents: {} as Record<string, VerificationReceipt['verdict']>,
  };
  const activities: LoanApplicationActivities = {
    recordEvidence: ({ kind }) => {
      calls.evidence.push(kind);
      return Promise.resolve({ evidenceHash: `${kind}`.padEnd(64, '0') });
    },
    verifyCreditReport: ({ issuer }) => {
      const verdict = ledger.verdict ?? verdicts[Math.min(calls.verifications.length, verdicts.length - 1)]!;
      calls.verifications.push({ issuer });
      return Promise.resolve(receipt(verdict));
    },
    verifyDocument: ({ documentKey, version, kind, documentHash, issuer }) => {
      calls.documentVerifications.push({ documentKey, version, kind, issuer });
      const verdict = ledger.documents[documentHash] ?? Verdict.VERIFIED;
      return Promise.resolve({
        ...receipt(verdict),
        reportHash: documentHash,
        anchor: {
          issuer,
          issuerName: 'HK agency',
          issuerJurisdiction: 'HK',
          issuerActive: true,
          blockNumber: 5,
          blockHash: `0x${'b'.repeat(64)}`,
          anchoredAt: '2026-11-01T00:00:00.000Z',
          expiresAt: '2027-11-01T00:00:00.000Z',
          ...(verdict === Verdict.REVOKED && { revocationReason: 1 }),
        },
      });
    },
    notifyReviewers: ({ queue }) => {
      calls.notified.push(queue);
      return Promise.resolve();
    },
    deliverWebhook: (event) => {
      calls.webhooks.push(event);
      return Promise.resolve();
    },
  };
  return { activities, calls, ledger };
}

let seq = 0;

export function applicationInput(overrides: Partial<ApplicationInput> = {}): ApplicationInput {
  seq += 1;
  const id = `app-${process.pid}-${seq}`;
  return {
    tenant: 'bank-a',
    applicationId: id,
    loanSystemReference: `LOS-${seq}`,
    product: 'sme-credit-line',
    requestedLimit: { amount: '100000.00', currency: 'HKD' },
    applicantReference: `pseudonym-${seq}`,
    applicantType: 'person',
    direction: 'southbound',
    reviewJurisdiction: 'HK',
    submittedBy: 'maker-mary',
    policy: { ...DEFAULT_POLICY },
    ...overrides,
  };
}

/** The workflow bundle with the test verification keys, built once per test file. */
export async function testWorkflowBundle(): Promise<{ code: string }> {
  return { code: withActionKeys(await bundleWorkflows(), TEST_VERIFY_KEYS) };
}

/** Signed actions on one application, as the API sends them, with the server's (skipped) time. */
export function actionsOn(env: TestWorkflowEnvironment, handle: WorkflowHandle) {
  const clock = (): Promise<number> => env.currentTimeMs();
  const options = (updateId?: string) => ({ clock, ...(updateId && { updateId }) });
  return {
    consent: (consent: ConsentGrant = southboundConsent, actor: Actor = loanSystem, updateId?: string) =>
      act(handle, grantConsent, { actor, consent }, options(updateId)),
    report: (submission: ReportSubmission = report, actor: Actor = loanSystem) =>
      act(handle, submitCreditReport, { actor, report: submission }, options()),
    /** A document-set application's consent (credit-policy-v2). */
    documentConsent: (consent: DocumentConsentGrant, actor: Actor = loanSystem) =>
      act(handle, grantConsent, { actor, consent }, options()),
    document: (document: DocumentSubmission, actor: Actor = loanSystem) =>
      act(handle, submitDocumentUpdate, { actor, document }, options()),
    withdraw: (reason: string, actor: Actor = loanSystem) => act(handle, revokeConsent, { actor, reason }, options()),
    claim: (actor: Actor) => act(handle, claimReview, { actor }, options()),
    release: (actor: Actor) => act(handle, releaseReview, { actor }, options()),
    decide: (actor: Actor, outcome: ReviewOutcome) => act(handle, completeReview, { actor, outcome }, options()),
  };
}

/** Why an action was refused (its failure type and message); throws if it was not refused. */
export async function refusal(action: Promise<unknown>): Promise<{ type?: string; message: string }> {
  const error = await action.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(error instanceof WorkflowUpdateFailedError)) throw new Error(`expected a refusal, got ${String(error)}`);
  const cause = error.cause as { type?: string; message?: string } | undefined;
  return { type: cause?.type, message: cause?.message ?? '' };
}

/**
 * Starts the application with a worker running `activities`, hands the handle to `drive`, and
 * answers with the final state. With RECORD_HISTORIES=1 the history is saved for the replay test.
 */
export async function runApplication(
  env: TestWorkflowEnvironment,
  bundle: { code: string },
  activities: LoanApplicationActivities,
  application: ApplicationInput,
  drive: (handle: WorkflowHandle) => Promise<void>,
  options: { recordAs?: string } = {},
): Promise<ApplicationState> {
  const taskQueue = `loan-${application.applicationId}`;
  const worker = await Worker.create({
    connection: env.nativeConnection,
    taskQueue,
    workflowBundle: bundle,
    activities,
  });
  return await worker.runUntil(async () => {
    const handle = await env.client.workflow.start(LOAN_APPLICATION_WORKFLOW, {
      taskQueue,
      workflowId: applicationWorkflowId(application.tenant, application.applicationId),
      args: [application],
    });
    try {
      await drive(handle);
    } catch (error) {
      // A workflow left open without a worker would stop the test server skipping time for
      // every test after this one.
      await handle.terminate('test failed').catch(() => undefined);
      throw error;
    }
    const result = (await handle.result()) as ApplicationState;
    if (options.recordAs) await recordHistory(env, handle, options.recordAs);
    return result;
  });
}

/**
 * `runApplication` with the actions at hand, recording the history (RECORD_HISTORIES=1) under the
 * running test's name without the describe's `prefix`, and `recordPrefix` in front of it.
 */
export function recordingRunner(
  env: () => TestWorkflowEnvironment,
  bundle: () => { code: string },
  names: { describe: string; recordPrefix?: string },
) {
  return (
    activities: LoanApplicationActivities,
    application: ApplicationInput,
    drive: (handle: WorkflowHandle, actions: ReturnType<typeof actionsOn>) => Promise<void>,
  ): Promise<ApplicationState> => {
    const test = expect.getState().currentTestName!;
    const name = test.startsWith(`${names.describe} `) ? test.slice(names.describe.length + 1) : test;
    return runApplication(
      env(),
      bundle(),
      activities,
      application,
      (handle) => drive(handle, actionsOn(env(), handle)),
      {
        recordAs: `${names.recordPrefix ?? ''}${name}`,
      },
    );
  };
}

/** Saves a history where the replay test finds it (`npm run test:record-histories`). */
async function recordHistory(env: TestWorkflowEnvironment, handle: WorkflowHandle, name: string): Promise<void> {
  if (!process.env.RECORD_HISTORIES) return;
  const dir = join(process.cwd(), 'test', 'fixtures', 'histories');
  mkdirSync(dir, { recursive: true });
  // The same JSON ops get from `temporal workflow show --output json`.
  const history = execFileSync(await temporalCliPath(), [
    'workflow',
    'show',
    '--workflow-id',
    handle.workflowId,
    '--address',
    env.address,
    '--output',
    'json',
  ]);
  const file = name
    .replace(/[^a-z0-9]+/gi, '-')
    .slice(0, 80)
    .replace(/-+$/, '');
  writeFileSync(join(dir, `${file}.json`), history);
}

/** Polls the workflow's state until `predicate` holds (the stage moves on after an update's answer). */
export async function until(
  handle: WorkflowHandle,
  predicate: (state: ApplicationState) => boolean,
  what: string,
): Promise<ApplicationState> {
  for (let i = 0; i < 200; i++) {
    const state = await handle.query<ApplicationState>('getState');
    if (predicate(state)) return state;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error(`never reached: ${what}`);
}

export const stageIs =
  (stage: ApplicationState['stage']) =>
  (state: ApplicationState): boolean =>
    state.stage === stage;
