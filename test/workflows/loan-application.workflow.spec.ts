import { type WorkflowHandle } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { type TestWorkflowEnvironment } from '@temporalio/testing';
import {
  actionDigest,
  claimReview,
  DEFAULT_POLICY,
  getState,
  grantConsent,
  newActionSigningKey,
  SearchAttributeKeys,
  signActionAssertion,
  Verdict,
  type Actor,
  type ApplicationInput,
  type LoanApplicationActivities,
  type ReviewOutcome,
} from '#domain';
import { LedgerUnavailableError } from '#ledger';
import { sendAction } from '#temporal';
import { act, TEST_ACTION_KEY } from '#test-support/actions';
import { alice, bob, carol, HK_ISSUER, loanSystem, southboundConsent as consent } from '#test-support/loan-parties';
import { startTimeSkippingServer } from '#test-support/temporal';
import {
  type actionsOn,
  applicationInput as input,
  fakeActivities,
  refusal,
  report,
  recordingRunner,
  stageIs,
  testWorkflowBundle,
  until,
} from './loan-application-harness.js';

const approve = (amount = '80000.00', currency = 'HKD'): ReviewOutcome => ({
  kind: 'approve',
  recommendedLimit: { amount, currency },
});
const decline = (code = 'X'): ReviewOutcome => ({ kind: 'decline', reasonCodes: [code] });

describe('loanApplicationWorkflow', () => {
  let env: TestWorkflowEnvironment;
  let bundle: { code: string };

  beforeAll(async () => {
    // One bundle for every test in this file: bundling takes longer than most of the tests.
    [env, bundle] = await Promise.all([startTimeSkippingServer(), testWorkflowBundle()]);
  }, 120_000);

  afterAll(async () => {
    await env?.teardown();
  });

  /** Runs an application and records its history under the test's name (RECORD_HISTORIES=1). */
  const run = recordingRunner(
    () => env,
    () => bundle,
    { describe: 'loanApplicationWorkflow' },
  );

  const toReview = async (handle: WorkflowHandle, a: ReturnType<typeof actionsOn>): Promise<void> => {
    await a.consent();
    await a.report();
    await until(handle, stageIs('IN_REVIEW'), 'IN_REVIEW');
  };

  it('approves on the happy path: consent, verified report, one approval, verified again, decided, told in order', async () => {
    const { activities, calls } = fakeActivities();
    const state = await run(activities, input(), async (handle, a) => {
      await toReview(handle, a);
      await a.claim(alice);
      await a.decide(alice, approve());
    });
    expect(state.stage).toBe('APPROVED');
    expect(state.decision).toMatchObject({ outcome: 'APPROVED', limit: { amount: '80000.00', currency: 'HKD' } });
    expect(calls.evidence).toEqual(['consent', 'decision']);
    // Verified against the issuer the consent names, at verification and again at the decision.
    expect(calls.verifications).toEqual([{ issuer: HK_ISSUER }, { issuer: HK_ISSUER }]);
    expect(state.decisionVerification?.verdict).toBe('VERIFIED');
    expect(calls.notified).toEqual(['HK-standard']);
    expect(calls.webhooks.map((w) => [w.sequence, w.type])).toEqual([
      [1, 'application.in-review'],
      [2, 'application.decided'],
    ]);
    expect(calls.webhooks.map((w) => w.eventId)).toEqual([
      expect.stringMatching(new RegExp(`^${state.workflowId}/1-\\d+$`)),
      expect.stringMatching(new RegExp(`^${state.workflowId}/2-\\d+$`)),
    ]);
    expect(state.ending?.reason).toBe('decision APPROVED');
    expect(JSON.stringify(state)).not.toContain('pseudonym-'); // the applicant reference stays out of state
  });

  it('expires when no consent arrives within the deadline', async () => {
    const { activities, calls } = fakeActivities();
    const state = await run(activities, input(), () => Promise.resolve());
    expect(state.stage).toBe('EXPIRED');
    expect(calls.webhooks.map((w) => [w.type, w.data])).toEqual([
      ['application.expired', { stage: 'AWAITING_CONSENT', reason: 'deadline' }],
    ]);
    expect(calls.evidence).toEqual([]);
  });

  it('is withdrawn when consent is revoked during review, and the loan system is told', async () => {
    const { activities, calls } = fakeActivities();
    const state = await run(activities, input(), async (handle, a) => {
      await toReview(handle, a);
      await a.withdraw('applicant withdrew');
    });
    expect(state.stage).toBe('WITHDRAWN');
    expect(calls.webhooks.map((w) => w.type)).toEqual(['application.in-review', 'application.withdrawn']);
    expect(calls.webhooks.at(-1)?.data).toEqual({ reason: 'applicant withdrew' });
    expect(state.decision).toBeUndefined();
  });

  it('lets consent be revoked after a reviewer asked for a new report, while it waits for one', async () => {
    const { activities, calls } = fakeActivities([Verdict.NOT_ANCHORED]);
    const state = await run(activities, input(), async (handle, a) => {
      await toReview(handle, a);
      await a.claim(alice);
      await a.decide(alice, { kind: 'request-new-report' });
      await until(handle, stageIs('AWAITING_REPORT'), 'AWAITING_REPORT');
      await a.withdraw('applicant revoked consent');
    });
    expect(state.stage).toBe('WITHDRAWN');
    expect(calls.webhooks.map((w) => w.type)).toEqual([
      'application.in-review',
      'application.report-requested',
      'application.withdrawn',
    ]);
  });

  it('refuses the submitter as reviewer (maker-checker), and a decision by someone other than the claimer', async () => {
    const { activities } = fakeActivities();
    const maker: Actor = { ...alice, subject: 'maker-mary' };
    const state = await run(activities, input(), async (handle, a) => {
      await toReview(handle, a);
      expect((await refusal(a.claim(maker))).message).toContain('you submitted this application');
      await a.claim(alice);
      expect((await refusal(a.decide(bob, decline()))).message).toContain('claimed by alice');
      await a.decide(alice, decline('FRAUD_SUSPECTED'));
    });
    expect(state.stage).toBe('DECLINED');
    expect(state.decision).toEqual({
      outcome: 'DECLINED',
      reasonCodes: ['FRAUD_SUSPECTED'],
      policyVersion: 'credit-policy-v1',
    });
  });

  it('needs two different approvers above the four-eyes threshold of the application currency', async () => {
    const { activities } = fakeActivities();
    // 460,000 CNY is above the CNY threshold (450,000), though below the HKD one (500,000).
    const big = input({ requestedLimit: { amount: '460000.00', currency: 'CNY' } });
    const state = await run(activities, big, async (handle, a) => {
      await toReview(handle, a);
      await a.claim(alice);
      const afterFirst = await a.decide(alice, approve('400000.00', 'CNY'));
      expect(afterFirst.stage).toBe('IN_REVIEW');
      expect((await refusal(a.claim(alice))).message).toContain('a second approver is required');
      await a.claim(bob);
      await a.decide(bob, approve('400000.00', 'CNY'));
    });
    expect(state.stage).toBe('APPROVED');
    expect(state.review?.approvals.map((approval) => approval.reviewer)).toEqual(['alice', 'bob']);
  });

  it('sends a report that is not anchored back for a new one, then approves the resubmission', async () => {
    const { activities, calls } = fakeActivities([Verdict.NOT_ANCHORED, Verdict.VERIFIED]);
    const state = await run(activities, input(), async (handle, a) => {
      await toReview(handle, a);
      const reviewing = await handle.query(getState);
      expect(reviewing.verification?.detail).toBe(
        `not anchored by ${HK_ISSUER}, the issuer the applicant's consent covers`,
      );
      await a.claim(alice);
      expect((await refusal(a.decide(alice, approve()))).message).toContain(
        'the report is not verified (NOT_ANCHORED)',
      );
      await a.decide(alice, { kind: 'request-new-report' });
      await until(handle, stageIs('AWAITING_REPORT'), 'AWAITING_REPORT');
      await a.report();
      await until(handle, (s) => s.stage === 'IN_REVIEW' && s.review?.round === 2, 'round 2');
      await a.claim(alice);
      await a.decide(alice, approve('50000.00'));
    });
    expect(state.stage).toBe('APPROVED');
    expect(calls.verifications).toHaveLength(3);
  });

  it('escalates to the senior queue after the review SLA and expires after the second', async () => {
    const { activities, calls } = fakeActivities();
    const state = await run(activities, input(), async (handle, a) => {
      await toReview(handle, a);
      await a.claim(alice);
      await env.sleep('49 hours');
      const escalated = await handle.query(getState);
      expect(escalated.review).toMatchObject({ queue: 'HK-senior', escalated: true });
      expect(escalated.review?.claimedBy).toBeUndefined(); // the standard queue's claim does not carry over
      const dueAt = (await handle.describe()).typedSearchAttributes.get(SearchAttributeKeys.ReviewDueAt);
      expect(dueAt?.toISOString()).toBe(escalated.review?.dueAt);
      const refused = await refusal(a.claim(alice));
      expect(refused).toEqual({ type: 'UpdateForbidden', message: expect.stringContaining('senior-reviewer') });
      await a.claim(carol);
    });
    expect(state.stage).toBe('EXPIRED');
    expect(calls.notified).toEqual(['HK-standard', 'HK-senior']);
  });

  it('waits out a ledger outage of more than two hours: an outage never decides an application', async () => {
    const { activities, calls } = fakeActivities();
    let failures = 0;
    const outage: LoanApplicationActivities = {
      ...activities,
      verifyCreditReport: (request) => {
        // About 150 attempts at the one-minute retry ceiling: well over two hours of workflow time.
        if (failures++ < 150) throw new LedgerUnavailableError('http://127.0.0.1:8545', new Error('ECONNREFUSED'));
        return activities.verifyCreditReport(request);
      },
    };
    const routine = input({ policy: { ...DEFAULT_POLICY, manualReview: 'on-exception' } });
    // The test server skips time only while the result is awaited: the retries' back-off passes then.
    const state = await run(outage, routine, async (_handle, a) => {
      await a.consent();
      await a.report();
    });
    expect(failures).toBe(152);
    expect(state.stage).toBe('APPROVED');
    const verifying = state.timeline.find((t) => t.event === 'entered VERIFYING')!;
    const verified = state.timeline.find((t) => t.event.startsWith('verification: '))!;
    expect(Date.parse(verified.at) - Date.parse(verifying.at)).toBeGreaterThan(2 * 3_600_000);
    expect(calls.verifications).toHaveLength(2);
  }, 120_000);

  it.each([Verdict.REVOKED, Verdict.EXPIRED, Verdict.UNTRUSTED_ISSUER])(
    'refuses to approve a report the ledger calls %s, and declines it',
    async (verdict) => {
      const { activities } = fakeActivities([verdict]);
      const state = await run(activities, input(), async (handle, a) => {
        await toReview(handle, a);
        await a.claim(alice);
        expect((await refusal(a.decide(alice, approve()))).message).toBe(
          `the report is not verified (${verdict}): decline or request a new report`,
        );
        await a.decide(alice, decline(`REPORT_${verdict}`));
      });
      expect(state.stage).toBe('DECLINED');
      expect(state.verification?.verdict).toBe(verdict);
      expect(state.verification?.detail).toBeTruthy();
      expect(state.decision).toMatchObject({ outcome: 'DECLINED', reasonCodes: [`REPORT_${verdict}`] });
    },
  );

  it('verifies again at the decision, and does not approve a report revoked while in review', async () => {
    const { activities, calls, ledger } = fakeActivities();
    const state = await run(activities, input(), async (handle, a) => {
      await toReview(handle, a);
      await a.claim(alice);
      ledger.verdict = Verdict.REVOKED; // the issuer revoked the report while it waited for review
      await a.decide(alice, approve());
    });
    expect(state.stage).toBe('DECLINED');
    expect(state.decision).toMatchObject({ outcome: 'DECLINED', reasonCodes: ['REPORT_NO_LONGER_VALID'] });
    expect(state.decisionVerification).toMatchObject({
      verdict: 'REVOKED',
      detail: expect.stringContaining('revoked'),
    });
    expect(calls.verifications).toHaveLength(2);
    expect(calls.evidence).toEqual(['consent', 'decision']);
  });

  it("expires, deciding nothing, when the applicant's consent lapses during review", async () => {
    const { activities, calls } = fakeActivities();
    const state = await run(activities, input(), async (handle, a) => {
      const soon = new Date((await env.currentTimeMs()) + 24 * 3_600_000).toISOString();
      await a.consent({ ...consent, validUntil: soon });
      await a.report();
      await until(handle, stageIs('IN_REVIEW'), 'IN_REVIEW');
      await a.claim(alice);
      await env.sleep('25 hours');
    });
    expect(state.stage).toBe('EXPIRED');
    expect(state.ending?.reason).toBe("the applicant's consent lapsed in IN_REVIEW");
    expect(state.decision).toBeUndefined();
    expect(calls.evidence).toEqual(['consent']);
    expect(calls.webhooks.at(-1)).toMatchObject({
      type: 'application.expired',
      data: { stage: 'IN_REVIEW', reason: 'consent-lapsed' },
    });
  });

  it('takes only a consent that covers this application, and reports only from the issuer consented to', async () => {
    const { activities, calls } = fakeActivities();
    const trusted = input({ policy: { ...DEFAULT_POLICY, trustedIssuers: [HK_ISSUER] } });
    const state = await run(activities, trusted, async (handle, a) => {
      const other = '0x' + '9'.repeat(40);
      expect((await refusal(a.consent({ ...consent, issuer: other }))).message).toBe(
        'consent.issuer: not an issuer policy credit-policy-v1 trusts',
      );
      expect((await refusal(a.consent({ ...consent, dataCategories: ['bank-statement'] }))).message).toBe(
        'consent.dataCategories: must include credit-report',
      );
      expect((await refusal(a.consent({ ...consent, direction: 'northbound' }))).message).toBe(
        'consent.direction: the application is southbound',
      );
      expect((await refusal(a.consent({ ...consent, validUntil: '2000-01-01T00:00:00Z' }))).message).toBe(
        'consent.validUntil: must lie in the future',
      );
      await a.consent();
      expect((await refusal(a.report({ ...report, claimedIssuer: other }))).message).toBe(
        `report.claimedIssuer: the applicant consented to reports of ${HK_ISSUER} only`,
      );
      await a.report({ ...report, claimedIssuer: HK_ISSUER.toLowerCase() });
      await until(handle, stageIs('IN_REVIEW'), 'IN_REVIEW');
      await a.claim(alice);
      await a.decide(alice, decline());
    });
    expect(state.stage).toBe('DECLINED');
    expect(calls.verifications).toEqual([{ issuer: HK_ISSUER }]);
  });

  it('lets the claimer release a task for another reviewer, and no one else', async () => {
    const { activities } = fakeActivities();
    const state = await run(activities, input(), async (handle, a) => {
      await toReview(handle, a);
      await a.claim(alice);
      expect((await refusal(a.claim(bob))).message).toContain('claimed by alice');
      expect((await refusal(a.release(bob))).message).toBe('only the reviewer who claimed the task may release it');
      const released = await a.release(alice);
      expect(released.review?.claimedBy).toBeUndefined();
      await a.claim(bob);
      await a.decide(bob, decline());
    });
    expect(state.review?.decisions.map((d) => d.reviewer)).toEqual(['bob']);
    expect(state.timeline.filter((t) => t.event.startsWith('review ')).map((t) => `${t.event} by ${t.actor}`)).toEqual([
      'review claimed by alice',
      'review released by alice',
      'review claimed by bob',
    ]);
  });

  it('refuses updates from the wrong actor, out of turn or malformed, and changes nothing', async () => {
    const { activities } = fakeActivities();
    const state = await run(activities, input(), async (handle, a) => {
      expect(await refusal(a.consent(consent, alice))).toEqual({
        type: 'UpdateForbidden',
        message: 'this needs the role loan-system',
      });
      await a.consent();
      expect(await refusal(a.consent())).toEqual({
        type: 'UpdateConflict',
        message: 'consent was granted already',
      });
      expect((await refusal(a.report({ ...report, reportHash: 'A'.repeat(64) }))).message).toBe(
        'report.reportHash: 64 lowercase hex characters',
      );
      await a.report();
      await until(handle, stageIs('IN_REVIEW'), 'IN_REVIEW');
      // Identities are canonical (the API folds them); anything else is refused, as is another tenant.
      expect((await refusal(a.claim({ ...alice, subject: 'Alice' }))).message).toBe('actor: not a canonical identity');
      expect((await refusal(a.claim({ ...alice, tenants: ['bank-b'] }))).message).toBe('you do not serve this tenant');
      await a.claim(alice);
      const bogus = { kind: 'approved' } as unknown as ReviewOutcome;
      expect(await refusal(a.decide(alice, bogus))).toEqual({
        type: 'UpdateInvalid',
        message: 'outcome: must be approve, decline or request-new-report',
      });
      const unchanged = await handle.query(getState);
      expect([unchanged.stage, unchanged.review?.decisions, unchanged.review?.claimedBy]).toEqual([
        'IN_REVIEW',
        [],
        'alice',
      ]);
      await a.decide(alice, decline());
    });
    expect(state.stage).toBe('DECLINED');
    expect(state.timeline.filter((t) => t.event === 'consent granted')).toHaveLength(1);
  });

  it('refuses every action that does not carry a valid assertion from the API, and keeps working', async () => {
    const { activities } = fakeActivities();
    const forger = newActionSigningKey('test-1'); // the right key id, the wrong key
    const state = await run(activities, input(), async (handle, a) => {
      await toReview(handle, a);
      const clock = { nowMs: await env.currentTimeMs() };
      const forbidden = (action: Promise<unknown>) => refusal(action).then((r) => r.type);
      // No assertion at all: what a payload written by hand (or encrypted through a codec) carries.
      expect(await forbidden(handle.executeUpdate(claimReview, { args: [{ actor: alice, assertion: '' }] }))).toBe(
        'UpdateForbidden',
      );
      // Signed with a key the worker does not trust.
      expect(await forbidden(sendAction(handle, claimReview, { actor: alice }, forger, clock))).toBe('UpdateForbidden');
      // A real assertion for another update, another application or another content.
      const genuine = signedClaim(handle.workflowId, clock.nowMs);
      const elsewhere = signedClaim(`${handle.workflowId}-other`, clock.nowMs);
      expect(
        (await refusal(handle.executeUpdate(claimReview, { args: [elsewhere.arg], updateId: elsewhere.id }))).message,
      ).toBe('the action assertion is for another application');
      expect(await forbidden(handle.executeUpdate(grantConsent, { args: [genuine.arg], updateId: genuine.id }))).toBe(
        'UpdateForbidden',
      );
      expect((await refusal(handle.executeUpdate(claimReview, { args: [genuine.arg] }))).message).toBe(
        'the action assertion was issued for another request',
      );
      expect(
        (
          await refusal(
            handle.executeUpdate(claimReview, { args: [{ ...genuine.arg, actor: carol }], updateId: genuine.id }),
          )
        ).message,
      ).toBe('the action does not match its assertion');
      // An assertion past its validity (five minutes) is refused even with its own update id.
      const stale = signedClaim(handle.workflowId, clock.nowMs - 10 * 60_000);
      expect(
        (await refusal(handle.executeUpdate(claimReview, { args: [stale.arg], updateId: stale.id }))).message,
      ).toBe('the action assertion has expired');
      expect((await handle.query(getState)).review?.claimedBy).toBeUndefined();
      // The genuine one, sent as the API sent it, works; nothing before it changed anything.
      await handle.executeUpdate(claimReview, { args: [genuine.arg], updateId: genuine.id });
      await a.decide(alice, decline());
    });
    expect(state.stage).toBe('DECLINED');
    expect(state.timeline.filter((t) => t.event === 'review claimed')).toHaveLength(1);
  });

  it('fails at once, telling the loan system, when the input is unusable, and still answers queries', async () => {
    const { activities, calls } = fakeActivities();
    const bad = input({ requestedLimit: { amount: '12.345', currency: 'HKD' } });
    const state = await run(activities, bad, async (handle) => {
      expect((await handle.query(getState)).stage).toBe('FAILED');
    });
    expect(state.stage).toBe('FAILED');
    expect(state.ending?.reason).toBe('requestedLimit: HKD has 2 decimal places');
    expect(calls.webhooks.map((w) => [w.type, w.data.reason])).toEqual([
      ['application.failed', 'requestedLimit: HKD has 2 decimal places'],
    ]);
    expect(calls.evidence).toEqual([]);
  });

  it('fails at once when the input states no applicant type it knows, naming the allowed ones, never the value', async () => {
    const { activities, calls } = fakeActivities();
    // Started by a client other than the API, which refuses such input with a 400 before anything starts.
    const bad = input({ applicantType: 'Person <b>' as ApplicationInput['applicantType'] });
    const state = await run(activities, bad, async (handle) => {
      expect((await handle.query(getState)).stage).toBe('FAILED');
      const attributes = (await handle.describe()).typedSearchAttributes;
      expect(attributes.get(SearchAttributeKeys.ApplicantType)).toBeUndefined();
      expect(attributes.get(SearchAttributeKeys.Tenant)).toBe('bank-a');
    });
    expect(state.stage).toBe('FAILED');
    expect(state.ending?.reason).toBe('applicantType: must be one of person, company');
    expect(calls.webhooks.map((w) => [w.type, w.data.reason])).toEqual([
      ['application.failed', 'applicantType: must be one of person, company'],
    ]);
    expect(JSON.stringify(calls.webhooks)).not.toContain('<b>');
    expect(calls.evidence).toEqual([]);
  });

  it("keeps a company applicant's type in its state and search attributes from the start", async () => {
    const { activities } = fakeActivities();
    const company = input({ applicantType: 'company' });
    const state = await run(activities, company, async (handle, a) => {
      await until(handle, stageIs('AWAITING_CONSENT'), 'AWAITING_CONSENT');
      expect((await handle.describe()).typedSearchAttributes.get(SearchAttributeKeys.ApplicantType)).toBe('company');
      expect((await handle.query(getState)).input.applicantType).toBe('company');
      await a.withdraw('withdrawn by the loan system (applicant-request)');
    });
    expect(state.stage).toBe('WITHDRAWN');
    expect(state.input.applicantType).toBe('company');
  });

  it('sends a four-eyes amount to review even when policy reviews only exceptions', async () => {
    const { activities } = fakeActivities();
    const big = input({
      requestedLimit: { amount: '900000.00', currency: 'HKD' },
      policy: { ...DEFAULT_POLICY, manualReview: 'on-exception' },
    });
    const state = await run(activities, big, async (handle, a) => {
      await toReview(handle, a);
      await a.claim(alice);
      await a.decide(alice, decline('Y'));
    });
    expect(state.stage).toBe('DECLINED');
  });

  it('delivers events in order: the decision waits for the in-review event the loan system refused three times', async () => {
    const { activities, calls } = fakeActivities();
    const order: string[] = [];
    let refusals = 0;
    const flakyLoanSystem: LoanApplicationActivities = {
      ...activities,
      notifyReviewers: (request) => {
        order.push('reviewers notified');
        return activities.notifyReviewers(request);
      },
      deliverWebhook: (event) => {
        if (event.type === 'application.in-review' && refusals++ < 3) throw new Error('loan system answered 503');
        order.push(`delivered ${event.sequence} ${event.type}`);
        return activities.deliverWebhook(event);
      },
    };
    const state = await run(flakyLoanSystem, input(), async (handle, a) => {
      await toReview(handle, a);
      // The review does not wait for the loan system.
      await a.claim(alice);
      await a.decide(alice, decline('Z'));
    });
    expect(state.stage).toBe('DECLINED');
    expect(order.filter((entry) => entry.startsWith('delivered'))).toEqual([
      'delivered 1 application.in-review',
      'delivered 2 application.decided',
    ]);
    expect(calls.webhooks.map((w) => w.sequence)).toEqual([1, 2]);
  });

  it('fails, and tells the loan system, when verification fails for good', async () => {
    const { activities, calls } = fakeActivities();
    const broken: LoanApplicationActivities = {
      ...activities,
      verifyCreditReport: () => {
        throw ApplicationFailure.nonRetryable(
          'the report hash is not 64 lowercase hex characters',
          'InvalidReportError',
        );
      },
    };
    const state = await run(broken, input(), async (handle, a) => {
      await a.consent();
      await a.report();
    });
    expect(state.stage).toBe('FAILED');
    expect(calls.webhooks.map((w) => w.type)).toEqual(['application.failed']);
    expect(calls.webhooks[0]?.data.reason).toContain('not 64 lowercase hex');
  });

  it('applies an update sent twice with the same update id once', async () => {
    const { activities } = fakeActivities();
    const state = await run(activities, input(), async (_handle, a) => {
      await a.consent(consent, loanSystem, 'consent-1');
      await a.consent(consent, loanSystem, 'consent-1');
      await a.withdraw('done testing');
    });
    expect(state.timeline.filter((t) => t.event === 'consent granted')).toHaveLength(1);
  });

  it('ends FAILED with one terminal event when an operator cancels it, and leaves the review queue', async () => {
    const { activities, calls } = fakeActivities();
    const state = await run(activities, input(), async (handle, a) => {
      await toReview(handle, a);
      await a.claim(alice);
      await handle.cancel();
    });
    expect(state.stage).toBe('FAILED');
    expect(state.ending?.reason).toBe('cancelled by an operator');
    expect(calls.webhooks.map((w) => [w.sequence, w.type])).toEqual([
      [1, 'application.in-review'],
      [2, 'application.failed'],
    ]);
    expect(calls.webhooks[1]?.data).toEqual({ reason: 'cancelled by an operator', stage: 'IN_REVIEW' });
  });

  it('continues as new when its history grows, carrying state, deadlines and recent actions', async () => {
    const { activities, calls } = fakeActivities();
    const application = input({ eventsPerRun: 60 });
    const state = await run(activities, application, async (handle, a) => {
      await toReview(handle, a);
      const firstRun = (await handle.describe()).runId;
      const dueAt = (await handle.query(getState)).review!.dueAt;
      for (let cycle = 0; cycle < 40; cycle++) {
        await a.claim(alice);
        await a.release(alice);
      }
      const now = await handle.describe();
      expect(now.runId).not.toBe(firstRun);
      const carried = await handle.query(getState);
      expect(carried.review?.dueAt).toBe(dueAt);
      expect(carried.timeline.length).toBeLessThanOrEqual(100);
      expect(carried.timelineLength).toBeGreaterThan(80);
      expect(now.typedSearchAttributes.get(SearchAttributeKeys.LoanStage)).toBe('IN_REVIEW');
      // An update id accepted in an earlier run is not applied again in a later one.
      const clock = () => env.currentTimeMs();
      const claimed = await act(handle, claimReview, { actor: bob }, { updateId: 'claim-bob', clock });
      expect(claimed.review?.claimedBy).toBe('bob');
      await a.release(bob);
      const bobsRun = (await handle.describe()).runId;
      for (let cycle = 0; cycle < 40 && (await handle.describe()).runId === bobsRun; cycle++) {
        await a.claim(alice);
        await a.release(alice);
      }
      expect((await handle.describe()).runId).not.toBe(bobsRun);
      const again = await refusal(act(handle, claimReview, { actor: bob }, { updateId: 'claim-bob', clock }));
      expect(again.type).toBe('UpdateDuplicate');
      await a.claim(alice);
      await a.decide(alice, approve());
    });
    expect(state.stage).toBe('APPROVED');
    expect(calls.webhooks.map((w) => w.sequence)).toEqual([1, 2]);
    expect(calls.evidence).toEqual(['consent', 'decision']);
  }, 120_000);

  /** A claim by alice, signed as the API signs it, with its update id. */
  function signedClaim(workflowId: string, nowMs: number) {
    const id = `claim-${workflowId}-${nowMs}`;
    const content = { actor: alice };
    const assertion = signActionAssertion(
      { workflowId, update: 'claimReview', updateId: id, digest: actionDigest(content) },
      TEST_ACTION_KEY,
      Math.floor(nowMs / 1000),
    );
    return { id, arg: { ...content, assertion } };
  }
});
