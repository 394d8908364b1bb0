/**
 * What a loan system's developer trips over, fixed: an action answers the application as the action
 * left it (not the moment before), a decline without reason codes is one clear error, and errors
 * name the field and the rule without repeating what was sent.
 */
import request from 'supertest';
import { hashReportBytes } from '#hashing';
import { DEV_KEYS } from '#stack/dev-ledger';
import { partyTokens, startApiStack, type ApiStack, type Party } from '#test-support/api-stack';
import { eventually } from '#test-support/eventually';
import { testWriter } from '#test-support/ledger';
import { HK_ISSUER, southboundConsent } from '#test-support/loan-parties';

const REPORT = Buffer.from('credit report for the action-answers spec');
const FIELDS = { score: 702, scoreBand: 'B', delinquencyFlags: [] };
const SENTINEL = 'sentinel-7781';

describe('what an action answers, and how errors read', () => {
  let stack: ApiStack;
  let tokens: Record<Party, string>;
  const api = () => request(stack.url);

  beforeAll(async () => {
    stack = await startApiStack();
    tokens = await partyTokens();
  }, 180_000);

  afterAll(async () => {
    await stack?.stop();
  });

  const application = (applicationId: string) => ({
    applicationId,
    loanSystemReference: `LOS-${applicationId}`,
    product: 'sme-credit-line',
    // Below the four-eyes threshold: one approval decides.
    requestedLimit: { amount: '100000.00', currency: 'HKD' },
    applicantReference: 'pseudonym-AA11BB22',
    applicantType: 'person',
    direction: 'southbound',
    reviewJurisdiction: 'HK',
  });
  const stageOf = async (id: string): Promise<string> =>
    (await api().get(`/v1/applications/${id}`).set('Authorization', tokens.bankA).expect(200)).body.stage as string;

  it('answers each action with the stage it moved the application to', async () => {
    const { hash: reportHash } = hashReportBytes(REPORT);
    await testWriter(stack.ledgerClient, DEV_KEYS.issuerHK).anchorReport(
      'personal-credit-report',
      reportHash,
      new Date(Date.now() + 30 * 86_400_000),
    );
    await api().post('/v1/applications').set('Authorization', tokens.bankA).send(application('A-1')).expect(201);
    await eventually(
      () => stageOf('A-1'),
      (stage) => stage === 'AWAITING_CONSENT',
      'waiting for consent',
    );

    // The consent answer shows the application waiting for its report, not still for consent.
    const consented = await api()
      .post('/v1/applications/A-1/consent')
      .set('Authorization', tokens.bankA)
      .send({ ...southboundConsent, issuer: HK_ISSUER })
      .expect(200);
    expect(consented.body.stage).toBe('AWAITING_REPORT');

    await api()
      .post('/v1/applications/A-1/credit-report')
      .set('Authorization', tokens.bankA)
      .send({ reportHash, scheme: 'sha256-raw-v1', decisionFields: FIELDS })
      .expect(200);
    await eventually(
      () => stageOf('A-1'),
      (stage) => stage === 'IN_REVIEW',
      'review',
    );
    await api().post('/v1/review-tasks/bank-a/A-1/claim').set('Authorization', tokens.alice).expect(200);

    // A decline without reason codes: one error, saying what is missing.
    const missing = await api()
      .post('/v1/review-tasks/bank-a/A-1/decision')
      .set('Authorization', tokens.alice)
      .send({ outcome: 'decline' })
      .expect(400);
    expect(missing.body.errors).toEqual([{ field: 'reasonCodes', message: 'reasonCodes is required to decline' }]);
    expect(missing.body.detail).toBe('reasonCodes: reasonCodes is required to decline');

    // The decision's answer shows it taken: no longer IN_REVIEW.
    const decided = await api()
      .post('/v1/review-tasks/bank-a/A-1/decision')
      .set('Authorization', tokens.alice)
      .send({ outcome: 'approve', recommendedLimit: { amount: '90000.00', currency: 'HKD' } })
      .expect(200);
    expect(['DECIDING', 'APPROVED']).toContain(decided.body.stage);
    await eventually(
      () => stageOf('A-1'),
      (stage) => stage === 'APPROVED',
      'the decision',
    );
  });

  it('names the field and the rule in an error, never the value sent', async () => {
    const malformed = await api()
      .post('/v1/applications')
      .set('Authorization', tokens.bankA)
      .send({ ...application('A-2'), applicantReference: `Jane Doe ${SENTINEL}`, product: `${SENTINEL} LOAN` })
      .expect(400);
    expect(malformed.body.errors.map((e: { field: string }) => e.field).sort()).toEqual([
      'applicantReference',
      'product',
    ]);
    expect(JSON.stringify(malformed.body)).not.toContain(SENTINEL);

    const unserved = await api()
      .post('/v1/applications')
      .set('Authorization', tokens.bankA)
      .send({ ...application('A-3'), reviewJurisdiction: 'QQX' })
      .expect(422);
    expect(unserved.body.errors).toEqual([
      { field: 'reviewJurisdiction', message: 'no reviewers serve this jurisdiction here (served: HK, CN)' },
    ]);
    expect(JSON.stringify(unserved.body)).not.toContain('QQX');
  });
});
