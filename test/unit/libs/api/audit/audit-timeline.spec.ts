import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  ApplicationFailure,
  DefaultFailureConverter,
  defaultFailureConverter,
  defaultPayloadConverter,
  toPayloads,
  type LoadedDataConverter,
  type Payload,
  type PayloadCodec,
} from '@temporalio/common';
import type { temporal } from '@temporalio/proto';
import proto from '@temporalio/proto';
import { AuditHistoryDecodeError, renderAuditTimeline, type AuditEntry } from '#api/audit/audit-timeline';
import { encodeFailure, encodePayloads } from '#codec';
import { historyFromJSON, JSONToPayload, payloadToJSON, type JSONPayload } from '#test-support/history-json';

const { EventType, RetryState, WorkflowTaskFailedCause } = proto.temporal.api.enums.v1;
const ProtoPayload = proto.temporal.api.common.v1.Payload;

// The histories recorded from the workflow tests (`npm run test:record-histories`): real event
// sequences, as `temporal workflow show --output json` prints them.
const HISTORIES_DIR = join(process.cwd(), 'test', 'fixtures', 'histories');
const FIXTURES = readdirSync(HISTORIES_DIR)
  .filter((file) => file.endsWith('.json'))
  .map((file) => file.replace(/\.json$/, ''));
const FOUR_EYES = 'needs-two-different-approvers-above-the-four-eyes-threshold-of-the-application-c';
const WITHDRAWN = 'is-withdrawn-when-consent-is-revoked-during-review-and-the-loan-system-is-told';
const NO_CONSENT = 'expires-when-no-consent-arrives-within-the-deadline';
const ESCALATED = 'escalates-to-the-senior-queue-after-the-review-SLA-and-expires-after-the-second';
const OUTAGE = 'waits-out-a-ledger-outage-of-more-than-two-hours-an-outage-never-decides-an-appl';
const BAD_REPORT = 'fails-and-tells-the-loan-system-when-verification-fails-for-good';
const IN_ORDER = 'delivers-events-in-order-the-decision-waits-for-the-in-review-event-the-loan-sys';

const converter: LoadedDataConverter = {
  payloadConverter: defaultPayloadConverter,
  failureConverter: defaultFailureConverter,
  payloadCodecs: [],
};

type HistoryJSON = { events: Record<string, unknown>[] };

function historyJSON(name: string): HistoryJSON {
  return JSON.parse(readFileSync(join(HISTORIES_DIR, `${name}.json`), 'utf8')) as HistoryJSON;
}

function render(name: string): Promise<AuditEntry[]> {
  return renderAuditTimeline(historyFromJSON(historyJSON(name)), converter);
}

/** `who | what`: the part of an entry a reader checks. */
const lines = (entries: AuditEntry[]): string[] => entries.map((entry) => `${entry.who} | ${entry.what}`);

/** Asserts `expected` appear in `actual` in this order, other lines between them allowed. */
function expectInOrder(actual: string[], expected: string[]): void {
  let from = 0;
  for (const line of expected) {
    const at = actual.indexOf(line, from);
    if (at < 0) throw new Error(`"${line}" not found after line ${from} in:\n${actual.join('\n')}`);
    from = at + 1;
  }
}

const entryAt = (entries: AuditEntry[], line: string): AuditEntry => {
  const entry = entries.find((candidate) => `${candidate.who} | ${candidate.what}` === line);
  if (!entry) throw new Error(`no entry "${line}"`);
  return entry;
};

describe('renderAuditTimeline on recorded histories', () => {
  it('names each document of a set where it is submitted, verified and sent back, never its hash or fields', async () => {
    const replaced = lines(
      await render('document-set-replaces-one-document-at-a-reviewer-s-request-while-the-others-stay'),
    );
    expect(replaced).toContain('los-bank-a | submitDocument accepted (owner-credit-report)');
    expect(replaced).toContain('lendbridge | verifyDocument (owner-credit-report) scheduled');
    expect(replaced).toContain('worker | verifyDocument (owner-credit-report) completed: VERIFIED');
    expect(replaced).toContain('alice | completeReview: request-new-version (owner-credit-report)');
    expect(
      replaced.filter((line) => /verifyDocument \(bank-statement\/\d{4}-\d{2}\) scheduled/.test(line)),
    ).toHaveLength(
      12, // six statements as they arrive, and again at the decision
    );
  });

  it('tells a four-eyes approval: who acted, what the workers did, every stage, the outcome', async () => {
    expect(lines(await render(FOUR_EYES))).toEqual([
      expect.stringMatching(/^maker-mary \| application app-\d+-\d+ received for tenant bank-a \(applicant: person\)$/),
      'lendbridge | stage → AWAITING_CONSENT',
      'lendbridge | consent deadline timer started: 7 days',
      'los-bank-a | grantConsent accepted',
      'lendbridge | stage → AWAITING_REPORT',
      'lendbridge | recordEvidence (consent) scheduled',
      'lendbridge | report deadline timer started: 14 days',
      'worker | recordEvidence (consent) completed',
      'los-bank-a | submitCreditReport accepted',
      'lendbridge | stage → VERIFYING',
      'lendbridge | verifyCreditReport scheduled',
      'worker | verifyCreditReport completed: VERIFIED',
      'lendbridge | stage → IN_REVIEW',
      'lendbridge | notifyReviewers (HK-standard) scheduled',
      'lendbridge | review SLA timer started: 2 days',
      'lendbridge | deliverWebhook application.in-review scheduled',
      'worker | notifyReviewers (HK-standard) completed',
      'worker | deliverWebhook application.in-review delivered',
      'alice | claimReview accepted',
      'alice | completeReview: approve',
      'bob | claimReview accepted',
      'bob | completeReview: approve',
      'lendbridge | stage → DECIDING',
      // The report is verified again as the decision is taken.
      'lendbridge | verifyCreditReport scheduled',
      'worker | verifyCreditReport completed: VERIFIED',
      'lendbridge | recordEvidence (decision) scheduled',
      'worker | recordEvidence (decision) completed',
      'lendbridge | stage → APPROVED',
      'lendbridge | deliverWebhook application.decided scheduled',
      'worker | deliverWebhook application.decided delivered',
      'lendbridge | completed: APPROVED',
    ]);
  });

  it('names each entry by its event, time and category', async () => {
    const entries = await render(FOUR_EYES);
    expect(entries[0]).toEqual({
      eventId: 1,
      at: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
      who: 'maker-mary',
      what: expect.stringMatching(/^application app-\d+-\d+ received for tenant bank-a \(applicant: person\)$/),
      category: 'application',
    });
    const id = (line: string): number => entryAt(entries, line).eventId;
    expect(entryAt(entries, 'bob | completeReview: approve').category).toBe('update');
    expect(entryAt(entries, 'lendbridge | stage → IN_REVIEW').category).toBe('stage');
    expect(entryAt(entries, 'lendbridge | review SLA timer started: 2 days').category).toBe('timer');
    expect(id('lendbridge | stage → IN_REVIEW')).toBeLessThan(id('alice | claimReview accepted'));
    expect(id('alice | claimReview accepted')).toBeLessThan(id('bob | completeReview: approve'));
    expect(entries.at(-1)).toMatchObject({ category: 'workflow', what: 'completed: APPROVED' });
    expect(entries.at(-1)!.eventId).toBeGreaterThan(id('lendbridge | stage → APPROVED'));
  });

  it('tells a withdrawal: the loan system revoked consent during review, without its reason', async () => {
    const timeline = lines(await render(WITHDRAWN));
    expectInOrder(timeline, [
      'los-bank-a | grantConsent accepted',
      'los-bank-a | submitCreditReport accepted',
      'lendbridge | stage → IN_REVIEW',
      'los-bank-a | consent revoked',
      'lendbridge | stage → WITHDRAWN',
      'worker | deliverWebhook application.withdrawn delivered',
      'lendbridge | completed: WITHDRAWN',
    ]);
    expect(timeline.join('\n')).not.toContain('applicant withdrew');
    expect(timeline.some((line) => line.includes('completeReview'))).toBe(false);
  });

  it('tells an expiry: the consent deadline fired a week after it was set', async () => {
    const entries = await render(NO_CONSENT);
    expect(lines(entries)).toEqual([
      expect.stringMatching(/^maker-mary \| application app-\d+-\d+ received for tenant bank-a \(applicant: person\)$/),
      'lendbridge | stage → AWAITING_CONSENT',
      'lendbridge | consent deadline timer started: 7 days',
      'temporal | consent deadline timer fired',
      'lendbridge | stage → EXPIRED',
      'lendbridge | deliverWebhook application.expired scheduled',
      'worker | deliverWebhook application.expired delivered',
      'lendbridge | completed: EXPIRED',
    ]);
    const started = Date.parse(entryAt(entries, 'lendbridge | consent deadline timer started: 7 days').at);
    const fired = Date.parse(entryAt(entries, 'temporal | consent deadline timer fired').at);
    expect(Math.round((fired - started) / 86_400_000)).toBe(7);
    expect(entryAt(entries, 'temporal | consent deadline timer fired').category).toBe('timer');
  });

  it('tells an escalation to the senior queue and the expiry after the second review SLA', async () => {
    expectInOrder(lines(await render(ESCALATED)), [
      'lendbridge | review SLA timer started: 2 days',
      'alice | claimReview accepted',
      'temporal | review SLA timer fired',
      'lendbridge | notifyReviewers (HK-senior, escalated) scheduled',
      'lendbridge | review SLA timer started: 2 days',
      'worker | notifyReviewers (HK-senior, escalated) completed',
      'carol | claimReview accepted',
      'temporal | review SLA timer fired',
      'lendbridge | stage → EXPIRED',
      'lendbridge | completed: EXPIRED',
    ]);
  });

  it('tells a ledger outage ridden out: verification succeeded on attempt 151, over two hours on', async () => {
    const entries = await render(OUTAGE);
    expectInOrder(lines(entries), [
      'lendbridge | stage → VERIFYING',
      'lendbridge | verifyCreditReport scheduled',
      'worker | verifyCreditReport completed: VERIFIED (attempt 151)',
      'lendbridge | stage → DECIDING',
      'lendbridge | completed: APPROVED',
    ]);
    const scheduled = Date.parse(entryAt(entries, 'lendbridge | verifyCreditReport scheduled').at);
    const verified = Date.parse(entryAt(entries, 'worker | verifyCreditReport completed: VERIFIED (attempt 151)').at);
    expect(verified - scheduled).toBeGreaterThan(2 * 3_600_000);
  });

  it('tells a verification that failed for good, with the failure, its type and why it was not retried', async () => {
    expectInOrder(lines(await render(BAD_REPORT)), [
      'lendbridge | verifyCreditReport scheduled',
      'worker | verifyCreditReport failed on attempt 1: the report hash is not 64 lowercase hex characters' +
        ' (InvalidReportError); not retryable',
      'lendbridge | stage → FAILED',
      'worker | deliverWebhook application.failed delivered',
      'lendbridge | completed: FAILED',
    ]);
  });

  it('shows an in-review webhook that needed retries delivered before the decision went out', async () => {
    const timeline = lines(await render(IN_ORDER));
    expectInOrder(timeline, [
      'lendbridge | deliverWebhook application.in-review scheduled',
      'alice | completeReview: decline',
      'lendbridge | stage → DECLINED',
      'worker | deliverWebhook application.in-review delivered (attempt 4)',
      'lendbridge | deliverWebhook application.decided scheduled',
      'worker | deliverWebhook application.decided delivered',
      'lendbridge | completed: DECLINED',
    ]);
  });

  it.each(FIXTURES)('renders %s in history order, times never going back', async (name) => {
    const entries = await render(name);
    expect(entries[0]?.category).toBe('application');
    expect(entries.at(-1)?.category).toBe('workflow');
    for (const [index, entry] of entries.entries()) {
      expect(new Date(entry.at).toISOString()).toBe(entry.at);
      expect(entry.who).not.toBe('');
      expect(entry.who).not.toBe('unknown');
      expect(['application', 'update', 'activity', 'timer', 'stage', 'workflow']).toContain(entry.category);
      const previous = entries[index - 1];
      if (!previous) continue;
      expect(entry.eventId).toBeGreaterThan(previous.eventId);
      expect(Date.parse(entry.at)).toBeGreaterThanOrEqual(Date.parse(previous.at));
    }
  });
});

describe('renderAuditTimeline and personal data', () => {
  /**
   * Every value in the history that the timeline must not show: the applicant reference, the
   * report's decision fields, every consent detail, reviewer notes and revocation reasons. Read
   * from the fixture's own payloads, so a re-recorded history is checked against its new values.
   */
  function personalValues(history: HistoryJSON): { texts: string[]; tokens: string[] } {
    const texts = new Set<string>();
    const tokens = new Set<string>();
    const collect = (value: unknown): void => {
      if (Array.isArray(value)) value.forEach(collect);
      else if (typeof value === 'object' && value !== null)
        // A consent's data categories (`bank-statement`) and a statement's month name what every
        // application of the product requires, as its document keys do: nothing about the applicant.
        Object.entries(value).forEach(([key, child]) => key !== 'dataCategories' && key !== 'month' && collect(child));
      else if (typeof value === 'string' && value.length >= 3) texts.add(value);
      else if (typeof value === 'string' || typeof value === 'number') tokens.add(String(value));
    };
    const visit = (value: unknown, path: string[]): void => {
      if (Array.isArray(value)) return value.forEach((item) => visit(item, path));
      if (typeof value !== 'object' || value === null) return;
      for (const [key, child] of Object.entries(value)) {
        if (['applicantReference', 'decisionFields', 'fields', 'consent', 'grant', 'notes'].includes(key))
          collect(child);
        // A revocation's reason is the loan system's free text (it travels on in the withdrawn webhook).
        else if (key === 'reason' && path.includes('revokeConsent')) collect(child);
        else visit(child, [...path, key]);
      }
    };
    for (const event of history.events) {
      const accepted = event.workflowExecutionUpdateAcceptedEventAttributes as
        { acceptedRequest: { input: { name: string } } } | undefined;
      const path = accepted ? [accepted.acceptedRequest.input.name] : [];
      for (const payload of payloadsIn(event)) visit(JSON.parse(jsonOf(payload)), path);
    }
    return { texts: [...texts], tokens: [...tokens] };
  }

  function expectNothingPersonal(entries: AuditEntry[], history: HistoryJSON): void {
    const rendered = JSON.stringify(entries);
    const { texts, tokens } = personalValues(history);
    expect(texts.length).toBeGreaterThan(0);
    for (const text of texts) expect(rendered).not.toContain(text);
    // Short values (a score band, a score) only as whole words of the text, not inside times or ids.
    const prose = entries.map((entry) => `${entry.who} ${entry.what}`).join('\n');
    for (const token of tokens) {
      expect(prose).not.toMatch(new RegExp(`\\b${token.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\b`));
    }
    for (const key of ['applicantReference', 'pseudonym', 'score', 'delinquency', 'notes', 'purposes', 'channel']) {
      expect(rendered).not.toContain(key);
    }
  }

  it.each(FIXTURES)('shows nothing personal from %s', async (name) => {
    const history = historyJSON(name);
    expectNothingPersonal(await renderAuditTimeline(historyFromJSON(history), converter), history);
  });

  it("shows a reviewer's decision but never the reviewer's notes", async () => {
    const history = historyJSON(FOUR_EYES);
    for (const event of history.events) {
      const request = (
        event.workflowExecutionUpdateAcceptedEventAttributes as
          { acceptedRequest: { input: { name: string; args: { payloads: JSONPayload[] } } } } | undefined
      )?.acceptedRequest;
      if (request?.input.name !== 'completeReview') continue;
      const [payload] = request.input.args.payloads;
      const argument = JSON.parse(jsonOf(payload!));
      argument.outcome.notes = 'Applicant disclosed a gambling debt to the branch officer';
      request.input.args.payloads = [payloadToJSON(defaultPayloadConverter.toPayload(argument))];
    }
    const entries = await renderAuditTimeline(historyFromJSON(history), converter);
    expect(lines(entries)).toContain('bob | completeReview: approve');
    expect(JSON.stringify(entries)).not.toContain('gambling');
    expectNothingPersonal(entries, history);
  });
});

describe('renderAuditTimeline through payload codecs', () => {
  /** The history as a worker with `codec` would have written it: every payload but search attributes. */
  async function encodeHistory(history: HistoryJSON, codec: PayloadCodec): Promise<HistoryJSON> {
    const walk = async (value: unknown): Promise<unknown> => {
      if (Array.isArray(value)) return Promise.all(value.map(walk));
      if (typeof value !== 'object' || value === null) return value;
      const entries = await Promise.all(
        Object.entries(value).map(async ([key, child]): Promise<[string, unknown]> => {
          if (key === 'searchAttributes') return [key, child];
          if (key === 'payloads' && Array.isArray(child)) {
            const encoded = await codec.encode((child as JSONPayload[]).map(JSONToPayload));
            return [key, encoded.map(payloadToJSON)];
          }
          return [key, await walk(child)];
        }),
      );
      return Object.fromEntries(entries);
    };
    return (await walk(history)) as HistoryJSON;
  }

  it.each([FOUR_EYES, WITHDRAWN, BAD_REPORT])('renders %s encoded by a codec as it renders it plain', async (name) => {
    const codec = new ReversingCodec();
    const encoded = await encodeHistory(historyJSON(name), codec);
    for (const payload of payloadsIn(encoded)) {
      expect(Buffer.from(payload.metadata?.encoding ?? '', 'base64').toString()).toBe('binary/reversed-base64');
    }

    const timeline = await renderAuditTimeline(historyFromJSON(encoded), { ...converter, payloadCodecs: [codec] });
    expect(timeline).toEqual(await render(name));
    expect(codec.decoded).toBeGreaterThan(0);
  });

  it('refuses to render a history its data converter cannot decode, naming the event', async () => {
    const encoded = await encodeHistory(historyJSON(FOUR_EYES), new ReversingCodec());
    const rendering = renderAuditTimeline(historyFromJSON(encoded), converter);
    await expect(rendering).rejects.toBeInstanceOf(AuditHistoryDecodeError);
    await expect(rendering).rejects.toMatchObject({ eventId: 1 });
  });
});

describe('renderAuditTimeline on endings the recorded paths do not reach', () => {
  type Event = temporal.api.history.v1.IHistoryEvent;
  // The proto types ask for protobuf Longs; a history parsed from JSON holds plain numbers too.
  type Long = NonNullable<Event['eventId']>;
  const long = (value: number): Long => value as unknown as Long;
  const T0 = Date.parse('2026-11-20T09:00:00.000Z');
  const event = (eventId: number, eventType: temporal.api.enums.v1.EventType, attributes: Partial<Event>): Event => ({
    eventId: long(eventId),
    eventTime: { seconds: long(T0 / 1000 + eventId), nanos: 0 },
    eventType,
    ...attributes,
  });

  /**
   * An application whose ledger stayed down past its retries, with a webhook that needed two
   * tries, a review whose handler failed, then `ending`: every payload and failure written as a
   * worker and client with `dataConverter` would write them.
   */
  async function story(dataConverter: LoadedDataConverter, ending: Ending): Promise<Event[]> {
    const { failureConverter, payloadCodecs, payloadConverter } = dataConverter;
    const payloads = async (value: unknown): Promise<{ payloads: Payload[] }> => ({
      payloads: await encodePayloads(payloadCodecs, toPayloads(payloadConverter, value) ?? []),
    });
    const failure = (error: Error): Promise<temporal.api.failure.v1.IFailure> =>
      encodeFailure(payloadCodecs, failureConverter.errorToFailure(error, payloadConverter));
    const ledgerDown = (): ApplicationFailure =>
      ApplicationFailure.retryable('ledger node unreachable', 'LedgerUnavailableError');
    return [
      event(1, EventType.EVENT_TYPE_WORKFLOW_EXECUTION_STARTED, {
        workflowExecutionStartedEventAttributes: {
          input: await payloads({
            tenant: 'bank-b',
            applicationId: 'app-42',
            applicantReference: 'pseudonym-42',
            applicantType: 'person',
            submittedBy: 'maker-max',
          }),
          identity: 'api@host',
        },
      }),
      event(2, EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED, {
        activityTaskScheduledEventAttributes: {
          activityId: '1',
          activityType: { name: 'verifyCreditReport' },
          input: await payloads({
            report: { reportHash: 'ab'.repeat(32), decisionFields: { score: 612, scoreBand: 'C' } },
          }),
        },
      }),
      event(3, EventType.EVENT_TYPE_ACTIVITY_TASK_STARTED, {
        activityTaskStartedEventAttributes: {
          scheduledEventId: long(2),
          attempt: 9,
          lastFailure: await failure(ledgerDown()),
        },
      }),
      event(4, EventType.EVENT_TYPE_ACTIVITY_TASK_FAILED, {
        activityTaskFailedEventAttributes: {
          scheduledEventId: long(2),
          failure: await failure(ledgerDown()),
          retryState: RetryState.RETRY_STATE_TIMEOUT,
        },
      }),
      event(5, EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED, {
        activityTaskScheduledEventAttributes: {
          activityId: '2',
          activityType: { name: 'deliverWebhook' },
          input: await payloads({ type: 'application.failed', data: { reason: 'ledger node unreachable' } }),
        },
      }),
      event(6, EventType.EVENT_TYPE_ACTIVITY_TASK_STARTED, {
        activityTaskStartedEventAttributes: {
          scheduledEventId: long(5),
          attempt: 2,
          lastFailure: await failure(new Error('webhook answered 503; will retry')),
        },
      }),
      event(7, EventType.EVENT_TYPE_ACTIVITY_TASK_COMPLETED, {
        activityTaskCompletedEventAttributes: { scheduledEventId: long(5) },
      }),
      event(8, EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED, {
        activityTaskScheduledEventAttributes: { activityId: '3', activityType: { name: 'notifyReviewers' } },
      }),
      event(9, EventType.EVENT_TYPE_ACTIVITY_TASK_TIMED_OUT, {
        activityTaskTimedOutEventAttributes: {
          scheduledEventId: long(8),
          failure: { message: 'activity StartToClose timeout', timeoutFailureInfo: { timeoutType: 1 } },
          retryState: RetryState.RETRY_STATE_MAXIMUM_ATTEMPTS_REACHED,
        },
      }),
      event(10, EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED, {
        workflowExecutionUpdateAcceptedEventAttributes: {
          acceptedRequest: {
            meta: { updateId: 'u-1', identity: 'api@host' },
            input: {
              name: 'completeReview',
              args: await payloads({
                actor: { subject: 'alice', roles: ['reviewer'], jurisdictions: ['HK'] },
                outcome: { kind: 'decline', reasonCodes: ['D1'], notes: 'seemed evasive on the phone' },
              }),
            },
          },
        },
      }),
      event(11, EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_COMPLETED, {
        workflowExecutionUpdateCompletedEventAttributes: {
          meta: { updateId: 'u-1' },
          outcome: { failure: await failure(ApplicationFailure.nonRetryable('review state lost', 'StateError')) },
        },
      }),
      ...(await ending(failure)),
    ];
  }
  type Ending = (failure: (error: Error) => Promise<temporal.api.failure.v1.IFailure>) => Promise<Event[]>;

  const storyLines = [
    'maker-max | application app-42 received for tenant bank-b (applicant: person)',
    'lendbridge | verifyCreditReport scheduled',
    'worker | verifyCreditReport failed on attempt 9: ledger node unreachable (LedgerUnavailableError); out of retry time',
    'lendbridge | deliverWebhook application.failed scheduled',
    'worker | deliverWebhook application.failed delivered (attempt 2; last failure: webhook answered 503; will retry)',
    'lendbridge | notifyReviewers scheduled',
    'temporal | notifyReviewers timed out: activity StartToClose timeout; out of attempts',
    'alice | completeReview: decline',
    'lendbridge | completeReview failed: review state lost (StateError)',
  ];

  const endings: [string, Ending, string[]][] = [
    [
      'terminated by an operator',
      () =>
        Promise.resolve([
          event(12, EventType.EVENT_TYPE_WORKFLOW_EXECUTION_TERMINATED, {
            workflowExecutionTerminatedEventAttributes: {
              identity: 'ops-olivia',
              reason: 'stuck after ledger migration',
            },
          }),
        ]),
      ['ops-olivia | terminated: stuck after ledger migration'],
    ],
    [
      'failed',
      async (failure) => [
        event(12, EventType.EVENT_TYPE_WORKFLOW_EXECUTION_FAILED, {
          workflowExecutionFailedEventAttributes: { failure: await failure(new Error('unexpected state')) },
        }),
      ],
      ['lendbridge | failed: unexpected state'],
    ],
    [
      'cancelled on request',
      () =>
        Promise.resolve([
          event(12, EventType.EVENT_TYPE_WORKFLOW_EXECUTION_CANCEL_REQUESTED, {
            workflowExecutionCancelRequestedEventAttributes: { identity: 'ops-olivia' },
          }),
          event(13, EventType.EVENT_TYPE_WORKFLOW_EXECUTION_CANCELED, { workflowExecutionCanceledEventAttributes: {} }),
        ]),
      ['ops-olivia | cancellation requested', 'lendbridge | cancelled'],
    ],
    [
      'timed out',
      () =>
        Promise.resolve([
          event(12, EventType.EVENT_TYPE_WORKFLOW_EXECUTION_TIMED_OUT, {
            workflowExecutionTimedOutEventAttributes: {},
          }),
        ]),
      ['temporal | timed out'],
    ],
  ];

  it.each(endings)(
    'tells retries, timeouts, a failed update, and a workflow %s',
    async (_name, ending, endingLines) => {
      const entries = await renderAuditTimeline({ events: await story(converter, ending) }, converter);
      expect(lines(entries)).toEqual([...storyLines, ...endingLines]);
      expect(entries.at(-1)?.category).toBe('workflow');
      const rendered = JSON.stringify(entries);
      for (const secret of ['pseudonym-42', '612', 'evasive', 'D1', '"C"']) expect(rendered).not.toContain(secret);
    },
  );

  it('reads failure messages a failure converter encoded into codec-encoded attributes', async () => {
    // As lendbridge's own converter writes them: messages moved into an attribute payload the codec encrypts.
    const encrypting: LoadedDataConverter = {
      payloadConverter: defaultPayloadConverter,
      failureConverter: new DefaultFailureConverter({ encodeCommonAttributes: true }),
      payloadCodecs: [new ReversingCodec()],
    };
    const [, failed, expectedEnding] = endings[1]!;
    const events = await story(encrypting, failed);
    expect(JSON.stringify(events)).not.toContain('ledger node unreachable');

    const entries = await renderAuditTimeline({ events }, encrypting);
    expect(lines(entries)).toEqual([...storyLines, ...expectedEnding]);
  });

  it('leaves out event types an ops reader does not act on', async () => {
    const [started] = await story(converter, () => Promise.resolve([]));
    const failure = defaultFailureConverter.errorToFailure(new Error('raced a new event'), defaultPayloadConverter);
    const entries = await renderAuditTimeline(
      {
        events: [
          started!,
          event(2, EventType.EVENT_TYPE_WORKFLOW_TASK_SCHEDULED, { workflowTaskScheduledEventAttributes: {} }),
          event(3, EventType.EVENT_TYPE_MARKER_RECORDED, {
            markerRecordedEventAttributes: { markerName: 'core_patch' },
          }),
          event(4, EventType.EVENT_TYPE_WORKFLOW_TASK_FAILED, {
            workflowTaskFailedEventAttributes: {
              cause: WorkflowTaskFailedCause.WORKFLOW_TASK_FAILED_CAUSE_UNHANDLED_COMMAND,
              failure,
            },
          }),
        ],
      },
      converter,
    );
    expect(lines(entries)).toEqual(['maker-max | application app-42 received for tenant bank-b (applicant: person)']);
  });

  it('shows a workflow task that failed on a non-deterministic change', async () => {
    const [started] = await story(converter, () => Promise.resolve([]));
    const failure = defaultFailureConverter.errorToFailure(
      new Error('Nondeterminism error: timer 3 expected, activity found'),
      defaultPayloadConverter,
    );
    const entries = await renderAuditTimeline(
      {
        events: [
          started!,
          event(2, EventType.EVENT_TYPE_WORKFLOW_TASK_FAILED, {
            workflowTaskFailedEventAttributes: {
              cause: WorkflowTaskFailedCause.WORKFLOW_TASK_FAILED_CAUSE_NON_DETERMINISTIC_ERROR,
              failure,
            },
          }),
        ],
      },
      converter,
    );
    expect(entries.at(-1)).toMatchObject({
      who: 'worker',
      what: 'workflow task failed: Nondeterminism error: timer 3 expected, activity found',
      category: 'workflow',
    });
  });
});

/** A stand-in for an encryption codec: the payload's bytes, base64, reversed. */
class ReversingCodec implements PayloadCodec {
  decoded = 0;

  encode(payloads: Payload[]): Promise<Payload[]> {
    return Promise.resolve(
      payloads.map((payload) => ({
        metadata: { encoding: Buffer.from('binary/reversed-base64') },
        data: Buffer.from(reverse(Buffer.from(ProtoPayload.encode(payload).finish()).toString('base64'))),
      })),
    );
  }

  decode(payloads: Payload[]): Promise<Payload[]> {
    return Promise.resolve(
      payloads.map((payload) => {
        if (Buffer.from(payload.metadata?.encoding ?? []).toString() !== 'binary/reversed-base64') return payload;
        this.decoded += 1;
        return ProtoPayload.decode(Buffer.from(reverse(Buffer.from(payload.data ?? []).toString()), 'base64'));
      }),
    );
  }
}

const reverse = (text: string): string => [...text].reverse().join('');

function payloadsIn(value: unknown): JSONPayload[] {
  if (Array.isArray(value)) return value.flatMap(payloadsIn);
  if (typeof value !== 'object' || value === null) return [];
  return Object.entries(value).flatMap(([key, child]) =>
    key === 'payloads' && Array.isArray(child) ? (child as JSONPayload[]) : payloadsIn(child),
  );
}

/** A recorded payload's JSON text; `null` for the binary/null ones (activities returning nothing). */
function jsonOf(payload: JSONPayload): string {
  const encoding = Buffer.from(payload.metadata?.encoding ?? '', 'base64').toString();
  return encoding === 'json/plain' ? Buffer.from(payload.data ?? '', 'base64').toString() : 'null';
}
