import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { WorkflowUpdateFailedError, type WorkflowHandle } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { type TestWorkflowEnvironment } from '@temporalio/testing';
import { bundleWorkflowCode, DefaultLogger, Worker, type WorkflowBundle } from '@temporalio/worker';
import { workflowsEntry } from '../../apps/worker/src/temporal-worker.service.js';
import {
  applicationWorkflowId,
  claimReview,
  completeReview,
  DEFAULT_POLICY,
  getState,
  grantConsent,
  LOAN_APPLICATION_WORKFLOW,
  releaseReview,
  revokeConsent,
  submitCreditReport,
  Verdict,
  type Actor,
  type ApplicationInput,
  type ApplicationState,
  type LoanApplicationActivities,
  type ReportSubmission,
  type ReviewOutcome,
  type VerificationReceipt,
  type WebhookEvent,
} from '../../libs/domain/src/index.js';
import { LedgerUnavailableError } from '../../libs/ledger/src/index.js';
import { alice, bob, carol, loanSystem, southboundConsent as consent } from '../support/loan-parties.js';
import { startTimeSkippingServer } from '../support/temporal.js';
import { temporalCliPath } from '../../tools/stack/temporal.js';

const report: ReportSubmission = {
  reportHash: 'a'.repeat(64),
  scheme: 'sha256-raw-v1',
  decisionFields: { score: 720, scoreBand: 'A', delinquencyFlags: [] },
};
const receipt = (verdict: VerificationReceipt['verdict']): VerificationReceipt => ({
  verdict,
  reportHash: report.reportHash,
  chainId: '31337',
  contract: '0x5FbDB2315678afecb367f032d93F642f64180aa3',
  checkedAtBlock: 10,
});

/** Stub activities that record what the workflow asked of the outside world. */
function fakeActivities(verdicts: VerificationReceipt['verdict'][] = [Verdict.VERIFIED]) {
  const calls = {
    evidence: [] as string[],
    webhooks: [] as WebhookEvent[],
    notified: [] as string[],
    verifications: 0,
  };
  const activities: LoanApplicationActivities = {
    recordEvidence: ({ kind }) => {
      calls.evidence.push(kind);
      return Promise.resolve({ evidenceHash: `${kind}`.padEnd(64, '0') });
    },
    verifyCreditReport: () => {
      const verdict = verdicts[Math.min(calls.verifications, verdicts.length - 1)]!;
      calls.verifications += 1;
      return Promise.resolve(receipt(verdict));
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
  return { activities, calls };
}

describe('loanApplicationWorkflow', () => {
  let env: TestWorkflowEnvironment;
  let workflowBundle: WorkflowBundle;
  let seq = 0;

  beforeAll(async () => {
    // One bundle for every test in this file: bundling takes longer than most of the tests.
    [env, workflowBundle] = await Promise.all([
      startTimeSkippingServer(),
      bundleWorkflowCode({
        workflowsPath: workflowsEntry(),
        logger: new DefaultLogger('WARN'),
      }),
    ]);
  }, 120_000);

  afterAll(async () => {
    await env?.teardown();
  });

  function input(overrides: Partial<ApplicationInput> = {}): ApplicationInput {
    seq += 1;
    return {
      tenant: 'bank-a',
      applicationId: `app-${seq}`,
      loanSystemReference: `LOS-${seq}`,
      product: 'sme-credit-line',
      requestedLimit: { amount: '100000.00', currency: 'HKD' },
      applicantReference: `pseudonym-${seq}`,
      direction: 'southbound',
      reviewJurisdiction: 'HK',
      submittedBy: 'maker-mary',
      policy: { ...DEFAULT_POLICY },
      ...overrides,
    };
  }

  /**
   * With RECORD_HISTORIES=1 each path's history is saved under test/fixtures/histories/, where the
   * replay test checks that today's workflow code still replays it (`npm run test:record-histories`).
   */
  async function recordHistory(handle: WorkflowHandle): Promise<void> {
    if (!process.env.RECORD_HISTORIES) return;
    const dir = join(process.cwd(), 'test', 'fixtures', 'histories');
    mkdirSync(dir, { recursive: true });
    const name = expect
      .getState()
      .currentTestName!.replace(/^loanApplicationWorkflow /, '')
      .replace(/[^a-z0-9]+/gi, '-');
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
    writeFileSync(join(dir, `${name.slice(0, 80).replace(/-+$/, '')}.json`), history);
  }

  /** Starts the application with a worker running `activities`, hands the handle to `drive`. */
  async function run(
    activities: LoanApplicationActivities,
    application: ApplicationInput,
    drive: (handle: WorkflowHandle) => Promise<void>,
  ): Promise<ApplicationState> {
    const taskQueue = `loan-${application.applicationId}`;
    const worker = await Worker.create({
      connection: env.nativeConnection,
      taskQueue,
      workflowBundle,
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
        await handle.terminate('test failed');
        throw error;
      }
      const result = (await handle.result()) as ApplicationState;
      await recordHistory(handle);
      return result;
    });
  }

  async function refusal(action: Promise<unknown>): Promise<string> {
    const error = await action.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(WorkflowUpdateFailedError);
    return (error as WorkflowUpdateFailedError).cause?.message ?? '';
  }

  const consentAndReport = async (handle: WorkflowHandle): Promise<void> => {
    await handle.executeUpdate(grantConsent, { args: [{ actor: loanSystem, consent }] });
    await handle.executeUpdate(submitCreditReport, { args: [{ actor: loanSystem, report }] });
  };

  /** Alice claims the task and tries to approve it; returns why the approval was refused. */
  const claimAndTryApproving = async (handle: WorkflowHandle): Promise<string> => {
    await handle.executeUpdate(claimReview, { args: [{ actor: alice }] });
    const approve = { kind: 'approve' as const, recommendedLimit: { amount: '50000.00', currency: 'HKD' } };
    return await refusal(handle.executeUpdate(completeReview, { args: [{ actor: alice, outcome: approve }] }));
  };

  const waitForStage = async (handle: WorkflowHandle, stage: ApplicationState['stage']): Promise<void> => {
    for (let i = 0; i < 100; i++) {
      if ((await handle.query(getState)).stage === stage) return;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    throw new Error(`never reached ${stage}`);
  };

  it('approves on the happy path: consent, verified report, one approval, decision anchored, loan system told', async () => {
    const { activities, calls } = fakeActivities();
    const state = await run(activities, input(), async (handle) => {
      await consentAndReport(handle);
      await waitForStage(handle, 'IN_REVIEW');
      await handle.executeUpdate(claimReview, { args: [{ actor: alice }] });
      await handle.executeUpdate(completeReview, {
        args: [
          { actor: alice, outcome: { kind: 'approve', recommendedLimit: { amount: '80000.00', currency: 'HKD' } } },
        ],
      });
    });
    expect(state.stage).toBe('APPROVED');
    expect(state.decision).toMatchObject({ outcome: 'APPROVED', limit: { amount: '80000.00', currency: 'HKD' } });
    expect(calls.evidence).toEqual(['consent', 'decision']);
    expect(calls.notified).toEqual(['HK-standard']);
    expect(calls.webhooks.map((w) => w.type)).toEqual(['application.in-review', 'application.decided']);
    expect(new Set(calls.webhooks.map((w) => w.eventId)).size).toBe(2);
    expect(state.timeline.map((t) => t.event)).toContain('review: approve');
    expect(JSON.stringify(state)).not.toContain('pseudonym-'); // the applicant reference stays out of state
  });

  it('expires when no consent arrives within the deadline', async () => {
    const { activities, calls } = fakeActivities();
    const state = await run(activities, input(), () => Promise.resolve());
    expect(state.stage).toBe('EXPIRED');
    expect(calls.webhooks.map((w) => w.type)).toEqual(['application.expired']);
    expect(calls.evidence).toEqual([]);
  });

  it('is withdrawn when consent is revoked during review, and the loan system is told', async () => {
    const { activities, calls } = fakeActivities();
    const state = await run(activities, input(), async (handle) => {
      await consentAndReport(handle);
      await waitForStage(handle, 'IN_REVIEW');
      await handle.executeUpdate(revokeConsent, { args: [{ actor: loanSystem, reason: 'applicant withdrew' }] });
    });
    expect(state.stage).toBe('WITHDRAWN');
    expect(calls.webhooks.at(-1)).toEqual(
      expect.objectContaining({ type: 'application.withdrawn', data: { reason: 'applicant withdrew' } }),
    );
  });

  it('refuses the submitter as reviewer (maker-checker), and a decision by someone other than the claimer', async () => {
    const { activities } = fakeActivities();
    const maker: Actor = { subject: 'maker-mary', roles: ['reviewer'], jurisdictions: ['HK'] };
    const state = await run(activities, input(), async (handle) => {
      await consentAndReport(handle);
      await waitForStage(handle, 'IN_REVIEW');
      expect(await refusal(handle.executeUpdate(claimReview, { args: [{ actor: maker }] }))).toContain(
        'you submitted this application',
      );
      await handle.executeUpdate(claimReview, { args: [{ actor: alice }] });
      expect(
        await refusal(
          handle.executeUpdate(completeReview, {
            args: [{ actor: bob, outcome: { kind: 'decline', reasonCodes: ['X'] } }],
          }),
        ),
      ).toContain('claimed by alice');
      await handle.executeUpdate(completeReview, {
        args: [{ actor: alice, outcome: { kind: 'decline', reasonCodes: ['FRAUD_SUSPECTED'] } }],
      });
    });
    expect(state.stage).toBe('DECLINED');
    expect(state.decision).toEqual({
      outcome: 'DECLINED',
      reasonCodes: ['FRAUD_SUSPECTED'],
      policyVersion: 'credit-policy-v1',
    });
  });

  it('needs two different approvers above the four-eyes threshold', async () => {
    const { activities } = fakeActivities();
    const big = input({ requestedLimit: { amount: '900000.00', currency: 'HKD' } });
    const approve = { kind: 'approve' as const, recommendedLimit: { amount: '600000.00', currency: 'HKD' } };
    const state = await run(activities, big, async (handle) => {
      await consentAndReport(handle);
      await waitForStage(handle, 'IN_REVIEW');
      await handle.executeUpdate(claimReview, { args: [{ actor: alice }] });
      const afterFirst = await handle.executeUpdate(completeReview, { args: [{ actor: alice, outcome: approve }] });
      expect(afterFirst.stage).toBe('IN_REVIEW');
      expect(await refusal(handle.executeUpdate(claimReview, { args: [{ actor: alice }] }))).toContain(
        'a second approver is required',
      );
      await handle.executeUpdate(claimReview, { args: [{ actor: bob }] });
      await handle.executeUpdate(completeReview, { args: [{ actor: bob, outcome: approve }] });
    });
    expect(state.stage).toBe('APPROVED');
    expect(state.review?.approvals.map((a) => a.reviewer)).toEqual(['alice', 'bob']);
  });

  it('sends a report that is not anchored back for a new one, then approves the resubmission', async () => {
    const { activities, calls } = fakeActivities([Verdict.NOT_ANCHORED, Verdict.VERIFIED]);
    const state = await run(activities, input(), async (handle) => {
      await consentAndReport(handle);
      await waitForStage(handle, 'IN_REVIEW');
      expect(await claimAndTryApproving(handle)).toContain('the report is not verified (NOT_ANCHORED)');
      await handle.executeUpdate(completeReview, { args: [{ actor: alice, outcome: { kind: 'request-new-report' } }] });
      await waitForStage(handle, 'AWAITING_REPORT');
      await handle.executeUpdate(submitCreditReport, { args: [{ actor: loanSystem, report }] });
      await waitForStage(handle, 'IN_REVIEW');
      await handle.executeUpdate(claimReview, { args: [{ actor: alice }] });
      const approve = { kind: 'approve' as const, recommendedLimit: { amount: '50000.00', currency: 'HKD' } };
      await handle.executeUpdate(completeReview, { args: [{ actor: alice, outcome: approve }] });
    });
    expect(state.stage).toBe('APPROVED');
    expect(calls.verifications).toBe(2);
  });

  it('escalates to the senior queue after the review SLA and expires after the second', async () => {
    const { activities, calls } = fakeActivities();
    const state = await run(activities, input(), async (handle) => {
      await consentAndReport(handle);
      await waitForStage(handle, 'IN_REVIEW');
      await env.sleep('49 hours');
      const escalated = await handle.query(getState);
      expect(escalated.review).toMatchObject({ queue: 'HK-senior', escalated: true });
      expect(await refusal(handle.executeUpdate(claimReview, { args: [{ actor: alice }] }))).toContain(
        'senior-reviewer',
      );
      await handle.executeUpdate(claimReview, { args: [{ actor: carol }] });
    });
    expect(state.stage).toBe('EXPIRED');
    expect(calls.notified).toEqual(['HK-standard', 'HK-senior']);
  });

  it("starts each review round's SLA timer as the round begins, not once reviewers are notified", async () => {
    const { activities, calls } = fakeActivities();
    const application = input();
    const state = await run(activities, application, async (handle) => {
      await consentAndReport(handle);
      await waitForStage(handle, 'IN_REVIEW');
      await env.sleep('97 hours'); // past both rounds: escalated, then expired
    });
    expect(state.stage).toBe('EXPIRED');
    expect(calls.notified).toEqual(['HK-standard', 'HK-senior']);
    const workflowId = applicationWorkflowId(application.tenant, application.applicationId);
    const events = (await env.client.workflow.getHandle(workflowId).fetchHistory()).events ?? [];
    // The workflow task that scheduled each notification also started that round's SLA timer, so a
    // notification completing later starts nothing that could race with a reviewer's update.
    const notifications = events.filter(
      (e) => e.activityTaskScheduledEventAttributes?.activityType?.name === 'notifyReviewers',
    );
    const slaTimers = events.filter(
      (e) => Number(e.timerStartedEventAttributes?.startToFireTimeout?.seconds ?? 0) === 48 * 3600,
    );
    expect(notifications).toHaveLength(2);
    expect(slaTimers.map((e) => String(e.timerStartedEventAttributes?.workflowTaskCompletedEventId))).toEqual(
      notifications.map((e) => String(e.activityTaskScheduledEventAttributes?.workflowTaskCompletedEventId)),
    );
  });

  it('keeps the review due time in a search attribute for the inbox, moved on escalation, and types its refusals', async () => {
    const { activities } = fakeActivities();
    await run(activities, input(), async (handle) => {
      await consentAndReport(handle);
      await waitForStage(handle, 'IN_REVIEW');
      const dueAt = async (): Promise<string | undefined> => {
        const value = (await handle.describe()).searchAttributes.ReviewDueAt?.[0];
        return value instanceof Date ? value.toISOString() : undefined;
      };
      expect(await dueAt()).toBe((await handle.query(getState)).review?.dueAt);
      await env.sleep('49 hours');
      const escalated = await handle.query(getState);
      expect(await dueAt()).toBe(escalated.review?.dueAt);
      // The kind of a refusal travels as the failure's type, for the API to answer 403, 409 or 422.
      const forbidden = await handle.executeUpdate(claimReview, { args: [{ actor: alice }] }).catch((e: unknown) => e);
      expect((forbidden as WorkflowUpdateFailedError).cause).toMatchObject({ type: 'UpdateForbidden' });
      await handle.executeUpdate(claimReview, { args: [{ actor: carol }] });
      const conflict = await handle
        .executeUpdate(claimReview, { args: [{ actor: carol }] })
        .then(() => handle.executeUpdate(grantConsent, { args: [{ actor: loanSystem, consent }] }))
        .catch((e: unknown) => e);
      expect((conflict as WorkflowUpdateFailedError).cause).toMatchObject({ type: 'UpdateConflict' });
      const invalid = await handle
        .executeUpdate(completeReview, { args: [{ actor: carol, outcome: { kind: 'decline', reasonCodes: [] } }] })
        .catch((e: unknown) => e);
      expect((invalid as WorkflowUpdateFailedError).cause).toMatchObject({ type: 'UpdateInvalid' });
      await handle.executeUpdate(completeReview, {
        args: [{ actor: carol, outcome: { kind: 'decline', reasonCodes: ['insufficient-income'] } }],
      });
    });
  });

  it('rides out a ledger outage during verification', async () => {
    const { activities, calls } = fakeActivities();
    let failures = 0;
    const flaky: LoanApplicationActivities = {
      ...activities,
      verifyCreditReport: (request) => {
        if (failures++ < 4) throw new LedgerUnavailableError('http://127.0.0.1:8545', new Error('ECONNREFUSED'));
        return activities.verifyCreditReport(request);
      },
    };
    const state = await run(
      flaky,
      input({ policy: { ...DEFAULT_POLICY, manualReview: 'on-exception' } }),
      consentAndReport,
    );
    expect(failures).toBe(5);
    expect(state.stage).toBe('APPROVED');
    expect(calls.verifications).toBe(1);
  });

  it.each([Verdict.REVOKED, Verdict.EXPIRED, Verdict.UNTRUSTED_ISSUER])(
    'refuses to approve a report the ledger calls %s, and declines it',
    async (verdict) => {
      const { activities } = fakeActivities([verdict]);
      const state = await run(activities, input(), async (handle) => {
        await consentAndReport(handle);
        await waitForStage(handle, 'IN_REVIEW');
        expect(await claimAndTryApproving(handle)).toBe(
          `the report is not verified (${verdict}): decline or request a new report`,
        );
        await handle.executeUpdate(completeReview, {
          args: [{ actor: alice, outcome: { kind: 'decline', reasonCodes: [`REPORT_${verdict}`] } }],
        });
      });
      expect(state.stage).toBe('DECLINED');
      expect(state.verification?.verdict).toBe(verdict);
      expect(state.decision).toMatchObject({ outcome: 'DECLINED', reasonCodes: [`REPORT_${verdict}`] });
    },
  );

  it('lets the claimer release a task for another reviewer, and no one else', async () => {
    const { activities } = fakeActivities();
    const state = await run(activities, input(), async (handle) => {
      await consentAndReport(handle);
      await waitForStage(handle, 'IN_REVIEW');
      await handle.executeUpdate(claimReview, { args: [{ actor: alice }] });
      expect(await refusal(handle.executeUpdate(claimReview, { args: [{ actor: bob }] }))).toContain(
        'claimed by alice',
      );
      expect(await refusal(handle.executeUpdate(releaseReview, { args: [{ actor: bob }] }))).toContain(
        'only the reviewer who claimed the task may release it',
      );
      const released = await handle.executeUpdate(releaseReview, { args: [{ actor: alice }] });
      expect(released.review?.claimedBy).toBeUndefined();
      await handle.executeUpdate(claimReview, { args: [{ actor: bob }] });
      await handle.executeUpdate(completeReview, {
        args: [{ actor: bob, outcome: { kind: 'decline', reasonCodes: ['X'] } }],
      });
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
    const state = await run(activities, input(), async (handle) => {
      expect(await refusal(handle.executeUpdate(grantConsent, { args: [{ actor: alice, consent }] }))).toBe(
        'this needs the role loan-system',
      );
      const northbound = { ...consent, direction: 'northbound' as const };
      expect(
        await refusal(handle.executeUpdate(grantConsent, { args: [{ actor: loanSystem, consent: northbound }] })),
      ).toBe('consent.direction: the application is southbound');
      await handle.executeUpdate(grantConsent, { args: [{ actor: loanSystem, consent }] });
      expect(await refusal(handle.executeUpdate(grantConsent, { args: [{ actor: loanSystem, consent }] }))).toBe(
        'the application is AWAITING_REPORT, not AWAITING_CONSENT',
      );
      const badHash = { ...report, reportHash: 'A'.repeat(64) };
      expect(
        await refusal(handle.executeUpdate(submitCreditReport, { args: [{ actor: loanSystem, report: badHash }] })),
      ).toBe('report.reportHash: 64 lowercase hex characters');
      const otherIssuer = { ...report, claimedIssuer: '0x' + '9'.repeat(40) };
      expect(
        await refusal(handle.executeUpdate(submitCreditReport, { args: [{ actor: loanSystem, report: otherIssuer }] })),
      ).toBe('report.claimedIssuer: the consent covers another issuer');
      await handle.executeUpdate(submitCreditReport, { args: [{ actor: loanSystem, report }] });
      await waitForStage(handle, 'IN_REVIEW');
      await handle.executeUpdate(claimReview, { args: [{ actor: alice }] });
      const bogus = { kind: 'approved' } as unknown as ReviewOutcome;
      expect(await refusal(handle.executeUpdate(completeReview, { args: [{ actor: alice, outcome: bogus }] }))).toBe(
        'outcome: must be approve, decline or request-new-report',
      );
      const unchanged = await handle.query(getState);
      expect([unchanged.stage, unchanged.review?.decisions, unchanged.review?.claimedBy]).toEqual([
        'IN_REVIEW',
        [],
        'alice',
      ]);
      await handle.executeUpdate(completeReview, {
        args: [{ actor: alice, outcome: { kind: 'decline', reasonCodes: ['X'] } }],
      });
    });
    expect(state.stage).toBe('DECLINED');
    expect(state.timeline.filter((t) => t.event === 'consent granted')).toHaveLength(1);
  });

  it('fails at once, telling the loan system, when the input is unusable', async () => {
    const { activities, calls } = fakeActivities();
    const state = await run(activities, input({ requestedLimit: { amount: '12.345', currency: 'HKD' } }), () =>
      Promise.resolve(),
    );
    expect(state.stage).toBe('FAILED');
    expect(calls.webhooks.map((w) => [w.type, w.data.reason])).toEqual([
      ['application.failed', 'requestedLimit: HKD has 2 decimal places'],
    ]);
    expect(calls.evidence).toEqual([]);
  });

  it('sends a four-eyes amount to review even when policy reviews only exceptions', async () => {
    const { activities } = fakeActivities();
    const big = input({
      requestedLimit: { amount: '900000.00', currency: 'HKD' },
      policy: { ...DEFAULT_POLICY, manualReview: 'on-exception' },
    });
    const state = await run(activities, big, async (handle) => {
      await consentAndReport(handle);
      await waitForStage(handle, 'IN_REVIEW');
      await handle.executeUpdate(claimReview, { args: [{ actor: alice }] });
      await handle.executeUpdate(completeReview, {
        args: [{ actor: alice, outcome: { kind: 'decline', reasonCodes: ['Y'] } }],
      });
    });
    expect(state.stage).toBe('DECLINED');
  });

  it('does not hold up the review while the loan system cannot take the in-review event', async () => {
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
        order.push(`delivered ${event.type}`);
        return activities.deliverWebhook(event);
      },
    };
    const state = await run(flakyLoanSystem, input(), async (handle) => {
      await consentAndReport(handle);
      await waitForStage(handle, 'IN_REVIEW');
      await handle.executeUpdate(claimReview, { args: [{ actor: alice }] });
      await handle.executeUpdate(completeReview, {
        args: [{ actor: alice, outcome: { kind: 'decline', reasonCodes: ['Z'] } }],
      });
    });
    expect(state.stage).toBe('DECLINED');
    expect(order[0]).toBe('reviewers notified');
    expect(order).toContain('delivered application.in-review');
    expect(calls.webhooks.map((w) => w.type).sort()).toEqual(['application.decided', 'application.in-review']);
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
    const state = await run(broken, input(), consentAndReport);
    expect(state.stage).toBe('FAILED');
    expect(calls.webhooks.map((w) => w.type)).toEqual(['application.failed']);
    expect(calls.webhooks[0]?.data.reason).toContain('not 64 lowercase hex');
  });

  it('applies an update sent twice with the same update id once', async () => {
    const { activities } = fakeActivities();
    const state = await run(activities, input(), async (handle) => {
      await handle.executeUpdate(grantConsent, { args: [{ actor: loanSystem, consent }], updateId: 'consent-1' });
      await handle.executeUpdate(grantConsent, { args: [{ actor: loanSystem, consent }], updateId: 'consent-1' });
      await handle.executeUpdate(revokeConsent, { args: [{ actor: loanSystem, reason: 'done testing' }] });
    });
    expect(state.timeline.filter((t) => t.event === 'consent granted')).toHaveLength(1);
  });
});
