import { createHash } from 'node:crypto';
import { type WorkflowHandle } from '@temporalio/client';
import { type TestWorkflowEnvironment } from '@temporalio/testing';
import {
  getState,
  Verdict,
  type ApplicationInput,
  type ApplicationState,
  type DocumentConsentGrant,
  type DocumentEntry,
  type DocumentSubmission,
  type ReviewOutcome,
} from '#domain';
import {
  alice,
  companyConsent,
  setPolicyFor,
  HK_ISSUER,
  southboundConsent,
  STATEMENT_BANK,
} from '#test-support/loan-parties';
import { startTimeSkippingServer } from '#test-support/temporal';
import {
  type actionsOn,
  applicationInput,
  fakeActivities,
  refusal,
  recordingRunner,
  stageIs,
  testWorkflowBundle,
  until,
} from './loan-application-harness.js';

const BANK = STATEMENT_BANK;

const companyApplication = (overrides: Partial<ApplicationInput> = {}): ApplicationInput =>
  applicationInput({
    applicantType: 'company',
    policy: setPolicyFor(),
    ...overrides,
  });

const hashOf = (text: string): string => createHash('sha256').update(text).digest('hex');
const hkd = (minorUnits: string) => ({ minorUnits, currency: 'HKD' });

/** A good version `n` of the document an entry requires. */
function submissionFor(entry: Pick<DocumentEntry, 'key' | 'kind' | 'month'>, n = 1): DocumentSubmission {
  const documentHash = hashOf(`${entry.key}#${n}`);
  switch (entry.kind) {
    case 'corporate-credit-report':
      return { documentKey: entry.key, documentHash, issuer: HK_ISSUER, fields: { rating: 'A', score: 700 } };
    case 'bank-statement':
      return {
        documentKey: entry.key,
        documentHash,
        issuer: BANK,
        fields: { month: entry.month, averageBalance: hkd('2000000'), totalInflows: hkd('5000000') },
      };
    default:
      return {
        documentKey: entry.key,
        documentHash,
        issuer: HK_ISSUER,
        fields: { score: 720, scoreBand: 'A', delinquencies: 0 },
      };
  }
}

const approve = (amount = '80000.00'): ReviewOutcome => ({
  kind: 'approve',
  recommendedLimit: { amount, currency: 'HKD' },
});

/** A fixed shuffle of the eight documents: owner's report first, statements out of order. */
const shuffled = <T>(items: readonly T[]): T[] => [7, 3, 0, 5, 1, 6, 2, 4].map((i) => items[i]!);

describe('loanApplicationWorkflow: a document set (credit-policy-v2)', () => {
  let env: TestWorkflowEnvironment;
  let bundle: { code: string };

  beforeAll(async () => {
    [env, bundle] = await Promise.all([startTimeSkippingServer(), testWorkflowBundle()]);
  }, 120_000);

  afterAll(async () => {
    await env?.teardown();
  });

  // Recorded (RECORD_HISTORIES=1) beside v1's paths, so the replay test guards the v2 path too.
  const run = recordingRunner(
    () => env,
    () => bundle,
    { describe: 'loanApplicationWorkflow: a document set (credit-policy-v2)', recordPrefix: 'document set ' },
  );

  /** Consent, then every document (in a shuffled order), then review. */
  async function completeSet(handle: WorkflowHandle, a: ReturnType<typeof actionsOn>): Promise<ApplicationState> {
    const consented = await a.documentConsent(companyConsent());
    for (const entry of shuffled(consented.documents!.documents)) await a.document(submissionFor(entry));
    return await until(handle, stageIs('IN_REVIEW'), 'IN_REVIEW');
  }

  it('collects a company set submitted in any order, verifies each document, reviews and approves it', async () => {
    const { activities, calls } = fakeActivities();
    let months: string[] = [];
    const state = await run(activities, companyApplication(), async (handle, a) => {
      const started = await until(handle, stageIs('AWAITING_CONSENT'), 'AWAITING_CONSENT');
      expect(started.documents!.documents.map((d) => d.slot)).toEqual([
        'company-credit-report',
        ...Array<string>(6).fill('bank-statement'),
        'owner-credit-report',
      ]);
      months = started.documents!.documents.flatMap((d) => (d.month ? [d.month] : []));
      const reviewing = await completeSet(handle, a);
      expect(reviewing.documents!.documents.every((d) => d.status === 'VERIFIED')).toBe(true);
      expect(reviewing.missingDocuments).toEqual([]);
      await a.claim(alice);
      await a.decide(alice, approve());
    });
    // Six whole months before the month the workflow started in, oldest first.
    const start = new Date(Date.parse(state.timeline[0]!.at));
    const month = (back: number) =>
      new Date(Date.UTC(start.getUTCFullYear(), start.getUTCMonth() - back, 1)).toISOString().slice(0, 7);
    expect(months).toEqual([6, 5, 4, 3, 2, 1].map(month));
    expect(state.stage).toBe('APPROVED');
    expect(state.decision).toMatchObject({
      outcome: 'APPROVED',
      limit: { amount: '80000.00', currency: 'HKD' },
      policyVersion: 'credit-policy-v2',
    });
    // Each document once as submitted (one activity per key and version), once again at the decision.
    const keys = state.documents!.documents.map((d) => d.key);
    expect(
      calls.documentVerifications
        .slice(0, 8)
        .map((c) => c.documentKey)
        .sort(),
    ).toEqual([...keys].sort());
    expect(
      calls.documentVerifications
        .slice(8)
        .map((c) => c.documentKey)
        .sort(),
    ).toEqual([...keys].sort());
    expect(calls.documentVerifications.every((c) => c.version === 1)).toBe(true);
    expect(calls.documentVerifications.find((c) => c.documentKey === 'owner-credit-report')?.kind).toBe(
      'personal-credit-report',
    );
    expect(calls.verifications).toEqual([]);
    expect(calls.evidence).toEqual(['consent', 'decision']);
    expect(state.documentConsent?.evidenceHash).toBeDefined();
    expect(calls.webhooks.map((w) => w.type)).toEqual(['application.in-review', 'application.decided']);
    expect(calls.webhooks[0]!.data).toMatchObject({ missing: [] });
  });

  it('starts review at the deadline with what is missing named', async () => {
    const { activities, calls } = fakeActivities();
    const state = await run(activities, companyApplication(), async (handle, a) => {
      const consented = await a.documentConsent(companyConsent());
      const [company, , , , , , , owner] = consented.documents!.documents;
      await a.document(submissionFor(company!));
      await a.document(submissionFor(owner!));
      await until(
        handle,
        (s) => s.documents!.documents.filter((d) => d.status === 'VERIFIED').length === 2,
        'two verified',
      );
      await env.sleep('15 days');
      const reviewing = await until(handle, stageIs('IN_REVIEW'), 'IN_REVIEW');
      expect(reviewing.missingDocuments?.map((d) => [d.key.split('/')[0], d.reason])).toEqual(
        Array(6).fill(['bank-statement', 'not submitted']),
      );
      await a.claim(alice);
      expect((await refusal(a.decide(alice, approve()))).message).toMatch(
        /^not every document is verified \(bank-statement\/.*\): decline or request a new version$/,
      );
      await a.decide(alice, { kind: 'decline', reasonCodes: ['DOCUMENT_MISSING:bank-statement'] });
    });
    expect(state.stage).toBe('DECLINED');
    const inReview = calls.webhooks.find((w) => w.type === 'application.in-review')!;
    expect((inReview.data.missing as { key: string }[]).map((m) => m.key)).toEqual(
      state.documents!.documents.filter((d) => d.slot === 'bank-statement').map((d) => d.key),
    );
  });

  it('expires when nothing at all was verified by the deadline', async () => {
    const nothing = fakeActivities();
    const expired = await run(nothing.activities, companyApplication(), async (_handle, a) => {
      await a.documentConsent(companyConsent());
    });
    expect(expired.stage).toBe('EXPIRED');
    expect(expired.ending?.reason).toBe('no action before the deadline in AWAITING_REPORT');
    expect(nothing.calls.webhooks.map((w) => w.type)).toEqual(['application.expired']);
  });

  it('replaces one document at a reviewer’s request while the others stay verified', async () => {
    const { activities, calls } = fakeActivities();
    const state = await run(activities, companyApplication(), async (handle, a) => {
      const reviewing = await completeSet(handle, a);
      const owner = reviewing.documents!.documents.find((d) => d.key === 'owner-credit-report')!;
      await a.claim(alice);
      await a.decide(alice, {
        kind: 'request-new-version',
        documentKey: 'owner-credit-report',
        reason: 'the scan is cut off',
      });
      const awaiting = await until(handle, stageIs('AWAITING_REPORT'), 'AWAITING_REPORT');
      expect(awaiting.documents!.documents.filter((d) => d.status !== 'VERIFIED').map((d) => d.key)).toEqual([
        'owner-credit-report',
      ]);
      expect(awaiting.documents!.documents.find((d) => d.key === owner.key)?.newVersionRequested).toMatchObject({
        reason: 'the scan is cut off',
        replacedVersion: 1,
      });
      // The version asked to be replaced is not taken again; another verified document is not replaced.
      expect((await refusal(a.document(submissionFor(owner)))).message).toBe(
        'documentHash: is a version a reviewer asked to replace: it cannot be submitted again',
      );
      const company = awaiting.documents!.documents[0]!;
      expect((await refusal(a.document(submissionFor(company, 2)))).message).toBe(
        'documentKey: is verified; a new version is accepted only when a reviewer asks for one',
      );
      await a.document(submissionFor(owner, 2));
      await until(handle, (s) => s.stage === 'IN_REVIEW' && s.review?.round === 2, 'round 2');
      await a.claim(alice);
      await a.decide(alice, approve());
    });
    expect(state.stage).toBe('APPROVED');
    const ownerEntry = state.documents!.documents.find((d) => d.key === 'owner-credit-report')!;
    expect(ownerEntry).toMatchObject({ status: 'VERIFIED', versions: 2, current: { version: 2 } });
    expect(state.documents!.documents.filter((d) => d.key !== ownerEntry.key).every((d) => d.versions === 1)).toBe(
      true,
    );
    // 8 first verifications, the new version's, then the 8 current documents at the decision.
    expect(calls.documentVerifications).toHaveLength(17);
    expect(calls.documentVerifications[8]).toMatchObject({ documentKey: 'owner-credit-report', version: 2 });
    expect(calls.webhooks.map((w) => w.type)).toEqual([
      'application.in-review',
      'application.report-requested',
      'application.in-review',
      'application.decided',
    ]);
    expect(calls.webhooks[1]!.data).toEqual({ round: 1, documentKey: 'owner-credit-report' });
  });

  it('does not approve a set one of whose documents was revoked during review, and names it', async () => {
    const { activities, ledger } = fakeActivities();
    let revoked = '';
    const state = await run(activities, companyApplication(), async (handle, a) => {
      const reviewing = await completeSet(handle, a);
      const statement = reviewing.documents!.documents[3]!;
      revoked = statement.key;
      ledger.documents[statement.current!.documentHash] = Verdict.REVOKED; // revoked by its bank in review
      await a.claim(alice);
      await a.decide(alice, approve());
    });
    expect(state.stage).toBe('DECLINED');
    expect(state.decision).toEqual({
      outcome: 'DECLINED',
      reasonCodes: [`DOCUMENT_REVOKED:${revoked}`],
      policyVersion: 'credit-policy-v2',
    });
    expect(state.documents!.documents.find((d) => d.key === revoked)).toMatchObject({
      status: 'REVOKED',
      current: { revocation: { detail: 'revoked by its issuer (reason code 1)' } },
    });
  });

  it('refuses a document outside the consent, with the reason, and changes nothing', async () => {
    const { activities, calls } = fakeActivities();
    const state = await run(activities, companyApplication(), async (handle, a) => {
      // A report's consent is not a document set's.
      expect((await refusal(a.documentConsent(southboundConsent as unknown as DocumentConsentGrant))).type).toBe(
        'UpdateInvalid',
      );
      // The company's consent, without its owner's report.
      const { documents: _owner, ...withoutOwner } = companyConsent();
      await a.documentConsent(withoutOwner);
      const before = await until(handle, (s) => s.documentConsent?.evidenceHash !== undefined, 'consent anchored');
      const owner = before.documents!.documents.find((d) => d.key === 'owner-credit-report')!;
      expect(await refusal(a.document(submissionFor(owner)))).toEqual({
        type: 'UpdateInvalid',
        message: "consent: the consent does not name this document: another person's document needs a scope of its own",
      });
      expect(
        (await refusal(a.document({ ...submissionFor(owner), documentKey: 'passport', kind: 'passport' }))).message,
      ).toBe('documentKey: is not a document this application requires');
      const after = await handle.query(getState);
      expect(after.documents).toEqual(before.documents);
      expect(after.timelineLength).toBe(before.timelineLength);
      await a.withdraw('applicant withdrew');
    });
    expect(state.stage).toBe('WITHDRAWN');
    expect(calls.documentVerifications).toEqual([]);
  });
});
