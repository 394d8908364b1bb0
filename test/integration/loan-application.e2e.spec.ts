import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Client } from '@temporalio/client';
import { type TestWorkflowEnvironment } from '@temporalio/testing';
import { Wallet } from 'ethers';
import {
  applicationWorkflowId,
  claimReview,
  completeReview,
  DEFAULT_POLICY,
  getState,
  grantConsent,
  LOAN_APPLICATION_WORKFLOW,
  submitCreditReport,
  type ApplicationInput,
  type ApplicationState,
} from '#domain';
import { applicationReference, hashReportBytes } from '#hashing';
import { EvidenceKind, LedgerClient } from '#ledger';
import { startAnvil } from '#stack/anvil';
import { DEV_KEYS } from '#stack/dev-ledger';
import { act } from '#test-support/actions';
import { testConfig } from '#test-support/config';
import { startTestLedger, testWriter, type TestLedger } from '#test-support/ledger';
import { alice, HK_ISSUER, loanSystem, southboundConsent } from '#test-support/loan-parties';
import { codecClient, startTestDevServer } from '#test-support/temporal';
import { startWebhookReceiver, type TestWebhookReceiver } from '#test-support/webhook-receiver';
import { closeWorkerContexts, startWorkerContext } from '#test-support/worker-context';

const REFERENCE_KEY = 'ab'.repeat(32);
const FIELDS = { score: 701, scoreBand: 'B' as const, delinquencyFlags: [] };

// A loan application through the real worker module, the real dev server and anvil: evidence on
// the ledger, verification against a report an issuer anchored, a signed webhook at the end.
/** An application of bank-a reviewed in HK; each test names its own id. */
function application(applicationId: string, overrides: Partial<ApplicationInput> = {}): ApplicationInput {
  return {
    tenant: 'bank-a',
    applicationId,
    loanSystemReference: `LOS-${applicationId}`,
    product: 'sme-credit-line',
    requestedLimit: { amount: '120000.00', currency: 'HKD' },
    applicantReference: `pseudonym-${applicationId}`,
    applicantType: 'person',
    direction: 'southbound',
    reviewJurisdiction: 'HK',
    submittedBy: 'maker-mary',
    policy: { ...DEFAULT_POLICY, trustedIssuers: [HK_ISSUER] },
    ...overrides,
  };
}

describe('loan application, end to end on the real dev server and anvil', () => {
  let temporal: TestWorkflowEnvironment;
  let ledger: TestLedger;
  let receiver: TestWebhookReceiver;
  let client: LedgerClient;
  let workflows: Client;
  const stateDir = mkdtempSync(join(tmpdir(), 'lendbridge-e2e-'));

  beforeAll(async () => {
    [temporal, ledger, receiver] = await Promise.all([
      startTestDevServer(),
      startTestLedger({ stateFile: join(stateDir, 'anvil.json') }),
      startWebhookReceiver(['bank-a']),
    ]);
    const config = testConfig({
      TEMPORAL_ADDRESS: temporal.address,
      TEMPORAL_TASK_QUEUE: 'e2e-loans',
      LEDGER_RPC_URL: ledger.rpcUrl,
      LEDGER_REGISTRY_ADDRESS: ledger.registryAddress,
      LEDGER_EVIDENCE_ADDRESS: ledger.evidenceAddress,
      LEDGER_SIGNER_KEY: DEV_KEYS.recorder,
      EVIDENCE_REFERENCE_KEY: REFERENCE_KEY,
      WEBHOOK_ENDPOINTS_FILE: receiver.writeEndpointsFile(stateDir),
    });
    await startWorkerContext(config);
    workflows = codecClient(temporal, config);
    client = new LedgerClient(ledger.settings);
  }, 120_000);

  afterAll(async () => {
    client?.close();
    await closeWorkerContexts();
    await receiver?.close();
    await ledger?.anvil.stop();
    await temporal?.teardown();
    rmSync(stateDir, { recursive: true, force: true });
  });

  it('approves an application whose report the issuer anchored, with evidence on chain and the loan system told', async () => {
    const reportBytes = Buffer.from('%PDF-1.4 credit report issued by the HK agency');
    const { hash: reportHash } = hashReportBytes(reportBytes);
    await testWriter(client, DEV_KEYS.issuerHK).anchorReport(
      'personal-credit-report',
      reportHash,
      new Date(Date.now() + 30 * 86_400_000),
    );

    const input = application('e2e-1');
    const workflowId = applicationWorkflowId(input.tenant, input.applicationId);
    const handle = await workflows.workflow.start(LOAN_APPLICATION_WORKFLOW, {
      taskQueue: 'e2e-loans',
      workflowId,
      args: [input],
    });
    await act(handle, grantConsent, { actor: loanSystem, consent: southboundConsent });
    await act(handle, submitCreditReport, {
      actor: loanSystem,
      report: { reportHash, scheme: 'sha256-raw-v1', decisionFields: FIELDS },
    });
    for (let i = 0; (await handle.query(getState)).stage !== 'IN_REVIEW'; i++) {
      if (i > 200) throw new Error('never reached review');
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    // What ops type into the Temporal UI's search box finds it, by stage and by tenant.
    const listed = async (query: string): Promise<string[]> => {
      const ids: string[] = [];
      for await (const execution of workflows.workflow.list({ query })) ids.push(execution.workflowId);
      return ids;
    };
    const query = `LoanStage = 'IN_REVIEW' AND Tenant = 'bank-a' AND ReviewQueue = 'HK-standard'`;
    for (let i = 0; !(await listed(query)).includes(workflowId); i++) {
      if (i > 100) throw new Error(`not listed by: ${query}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const inReview = await handle.query(getState);
    expect(inReview.verification).toMatchObject({
      verdict: 'VERIFIED',
      anchor: { issuerName: 'Demo Credit Reference Agency (HK)', issuerJurisdiction: 'HK' },
    });

    for (let i = 0; !receiver.events.some((e) => e.type === 'application.in-review'); i++) {
      if (i > 200) throw new Error('the in-review event never arrived');
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    receiver.failNext = 2; // the loan system is briefly down when the decision is ready
    await act(handle, claimReview, { actor: alice });
    await act(handle, completeReview, {
      actor: alice,
      outcome: { kind: 'approve', recommendedLimit: { amount: '100000.00', currency: 'HKD' } },
    });
    const state = (await handle.result()) as ApplicationState;

    expect(state.stage).toBe('APPROVED');
    // The server holds only ciphertext: history is fetched raw, before any codec.
    const history = await handle.fetchHistory();
    const stored = history.events?.[0]?.workflowExecutionStartedEventAttributes?.input?.payloads?.[0];
    expect(Buffer.from(stored?.metadata?.encoding ?? []).toString()).toBe('binary/encrypted');
    expect(Buffer.from(stored?.data ?? []).includes(input.applicantReference)).toBe(false);
    const approvedQuery = `LoanOutcome = 'APPROVED' AND RequestedAmountMinor = 12000000`;
    for (let i = 0; !(await listed(approvedQuery)).includes(workflowId); i++) {
      if (i > 100) throw new Error(`not listed by: ${approvedQuery}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    // Band B: 75% of 120,000 = 90,000, below the reviewer's 100,000.
    expect(state.decision).toMatchObject({ outcome: 'APPROVED', limit: { amount: '90000.00', currency: 'HKD' } });

    const lender = new Wallet(DEV_KEYS.recorder).address;
    const consentEvidence = await client.evidenceOf(lender, state.consent!.evidenceHash!);
    expect(consentEvidence).toMatchObject({
      kind: EvidenceKind.Consent,
      applicationRef: `0x${applicationReference(workflowId, REFERENCE_KEY)}`,
      member: lender,
      recordedBy: lender,
    });

    await expect(client.evidenceOf(lender, state.decisionEvidenceHash!)).resolves.toMatchObject({
      kind: EvidenceKind.Decision,
      applicationRef: `0x${applicationReference(workflowId, REFERENCE_KEY)}`,
    });

    for (let i = 0; !receiver.events.some((e) => e.type === 'application.decided'); i++) {
      if (i > 200) throw new Error('no webhook arrived');
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(receiver.badSignatures).toBe(0);
    expect(receiver.requests.map((r) => r.status)).toEqual([204, 500, 500, 204]); // the decision refused twice
    // The retries carried the decision's webhook-id each time.
    expect(new Set(receiver.requests.slice(1).map((r) => r.webhookId)).size).toBe(1);
    expect(receiver.events.map((e) => [e.sequence, e.type])).toEqual([
      [1, 'application.in-review'],
      [2, 'application.decided'],
    ]);
    expect(receiver.events.every((e) => e.eventId.startsWith(`${workflowId}/${e.sequence}-`))).toBe(true);
  });

  it('rides out a ledger outage during verification and carries on when the node is back', async () => {
    const { hash: reportHash } = hashReportBytes(Buffer.from('%PDF-1.4 a report verified across an outage'));
    await testWriter(client, DEV_KEYS.issuerHK).anchorReport(
      'personal-credit-report',
      reportHash,
      new Date(Date.now() + 30 * 86_400_000),
    );
    const input = application('e2e-outage', {
      requestedLimit: { amount: '50000.00', currency: 'HKD' },
      policy: { ...DEFAULT_POLICY, manualReview: 'on-exception', trustedIssuers: 'any-member' },
    });
    const handle = await workflows.workflow.start(LOAN_APPLICATION_WORKFLOW, {
      taskQueue: 'e2e-loans',
      workflowId: applicationWorkflowId(input.tenant, input.applicationId),
      args: [input],
    });
    await act(handle, grantConsent, { actor: loanSystem, consent: southboundConsent });
    for (let i = 0; !(await handle.query(getState)).consent?.evidenceHash; i++) {
      if (i > 200) throw new Error('consent evidence never anchored');
      await new Promise((resolve) => setTimeout(resolve, 50));
    }

    await ledger.anvil.stop(); // the node goes away just before the report arrives
    await act(handle, submitCreditReport, {
      actor: loanSystem,
      report: { reportHash, scheme: 'sha256-raw-v1', decisionFields: FIELDS },
    });
    await new Promise((resolve) => setTimeout(resolve, 4_000));
    const during = await handle.describe();
    expect((await handle.query(getState)).stage).toBe('VERIFYING');
    expect(during.raw.pendingActivities?.[0]?.attempt).toBeGreaterThan(1); // retrying, not failed
    // The activity's error text travels encrypted in the failure's encoded attributes.
    expect(during.raw.pendingActivities?.[0]?.lastFailure?.message).toBe('Encoded failure');

    ledger.anvil = await startAnvil({ port: ledger.port, stateFile: join(stateDir, 'anvil.json') });
    const state = (await handle.result()) as ApplicationState;
    expect(state.stage).toBe('APPROVED');
    expect(state.verification?.verdict).toBe('VERIFIED');
  });
});
