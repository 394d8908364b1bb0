import {
  applicationDocumentSet,
  DEFAULT_POLICY,
  documentConsentRefusal,
  documentSubmissionRefusal,
  receivedState,
  requestNewVersion,
  submitDocument,
  usesDocumentSet,
  type ApplicationInput,
  type ApplicationState,
  type DocumentConsentGrant,
} from '#domain';
import { setPolicyFor } from '#test-support/loan-parties';

const ISSUER = `0x${'ab'.repeat(20)}`;
const NOW = new Date('2026-12-03T04:00:00.000Z');

function input(overrides: Partial<ApplicationInput> = {}): ApplicationInput {
  const applicantType = overrides.applicantType ?? 'person';
  const direction = overrides.direction ?? 'southbound';
  return {
    tenant: 'bank-a',
    applicationId: 'A-1',
    loanSystemReference: 'LOS-1',
    product: 'sme-credit-line',
    requestedLimit: { amount: '100000.00', currency: 'HKD' },
    applicantReference: 'pseudonym-1',
    applicantType: 'person',
    direction: 'southbound',
    reviewJurisdiction: 'HK',
    submittedBy: 'maker-mary',
    policy: setPolicyFor(applicantType, direction),
    ...overrides,
  };
}

const grant: DocumentConsentGrant = {
  purposes: ['credit-assessment'],
  direction: 'southbound',
  validUntil: '2027-12-31T00:00:00.000Z',
  consentTextHash: 'cccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccc',
  channel: 'mobile-app',
  capturedAt: '2026-01-01T00:00:00Z',
  kinds: { 'personal-credit-report': { dataCategories: ['credit-report'], issuers: [ISSUER] } },
};

function state(stage: ApplicationState['stage'], overrides: Partial<ApplicationInput> = {}): ApplicationState {
  const application = input(overrides);
  const created = applicationDocumentSet(application, NOW.toISOString());
  if (!created.ok) throw new Error('no set');
  return { ...receivedState('loan/bank-a/A-1', application), stage, documents: created.set };
}

const report = {
  documentKey: 'credit-report',
  documentHash: 'a'.repeat(64),
  issuer: ISSUER,
  fields: { score: 700, scoreBand: 'A', delinquencies: 0 },
};

describe('application documents (credit-policy-v2 in the workflow)', () => {
  it('uses a document set for credit-policy-v2 only', () => {
    expect(usesDocumentSet(input())).toBe(true);
    expect(usesDocumentSet(input({ policy: { ...DEFAULT_POLICY } }))).toBe(false);
  });

  it('resolves a company set with six statements counted back from the creation time', () => {
    const created = applicationDocumentSet(input({ applicantType: 'company' }), NOW.toISOString());
    expect(created.ok && created.set.documents.map((d) => d.key)).toEqual([
      'company-credit-report',
      'bank-statement/2026-06',
      'bank-statement/2026-07',
      'bank-statement/2026-08',
      'bank-statement/2026-09',
      'bank-statement/2026-10',
      'bank-statement/2026-11',
      'owner-credit-report',
    ]);
  });

  describe('documentConsentRefusal', () => {
    it('accepts a per-document grant while awaiting consent, answering it parsed', () => {
      const { refusal, grant: parsed } = documentConsentRefusal(state('AWAITING_CONSENT'), grant, NOW);
      expect(refusal).toBeUndefined();
      expect(parsed).toEqual(grant);
    });

    it.each([
      ['another direction', { ...grant, direction: 'northbound' }, 'consent.direction: the application is southbound'],
      [
        'no credit assessment',
        { ...grant, purposes: ['marketing'] },
        'consent.purposes: must include credit-assessment',
      ],
      [
        'an ended validity',
        { ...grant, capturedAt: '2025-06-01T00:00:00.000Z', validUntil: '2026-01-01T00:00:00.000Z' },
        'consent.validUntil: must lie in the future',
      ],
      ["a report's consent", { issuer: ISSUER, purposes: ['credit-assessment'] }, expect.stringContaining('consent.')],
    ])('refuses %s as invalid', (_what, consent, message) => {
      expect(documentConsentRefusal(state('AWAITING_CONSENT'), consent, NOW).refusal).toEqual({
        kind: 'invalid',
        message,
      });
    });

    it('refuses an issuer the policy does not trust, when it names whom it trusts', () => {
      const trusting = state('AWAITING_CONSENT', {
        policy: { ...setPolicyFor('person', 'southbound'), trustedIssuers: [`0x${'cd'.repeat(20)}`] },
      });
      expect(documentConsentRefusal(trusting, grant, NOW).refusal).toEqual({
        kind: 'invalid',
        message: 'consent.kinds.personal-credit-report.issuers: names an issuer policy credit-policy-v2 does not trust',
      });
    });

    it('refuses a second consent as a conflict', () => {
      const given = { ...state('AWAITING_REPORT'), documentConsent: { grant } };
      expect(documentConsentRefusal(given, grant, NOW).refusal).toEqual({
        kind: 'conflict',
        message: 'consent was granted already',
      });
    });
  });

  describe('documentSubmissionRefusal', () => {
    const awaiting = (): ApplicationState => ({ ...state('AWAITING_REPORT'), documentConsent: { grant } });

    it('takes a document within the consent while awaiting documents', () => {
      expect(documentSubmissionRefusal(awaiting(), report, NOW)).toBeUndefined();
    });

    it("refuses, as invalid, what the set's rules refuse, naming the field", () => {
      expect(documentSubmissionRefusal(awaiting(), { ...report, documentKey: 'passport' }, NOW)).toEqual({
        kind: 'invalid',
        message: 'documentKey: is not a document this application requires',
      });
      const outside = { ...awaiting(), documentConsent: { grant: { ...grant, kinds: {} } } };
      expect(documentSubmissionRefusal(outside, report, NOW)).toEqual({
        kind: 'invalid',
        message: 'consent: the consent does not cover this document or its kind',
      });
    });

    it('refuses a v1 application, and other stages, as a conflict', () => {
      const v1 = { ...awaiting(), documents: undefined };
      expect(documentSubmissionRefusal(v1, report, NOW)?.kind).toBe('conflict');
      expect(documentSubmissionRefusal({ ...awaiting(), stage: 'DECIDING' }, report, NOW)?.kind).toBe('conflict');
    });

    it('in review, takes only a document a reviewer asked a new version of', () => {
      const submitted = submitDocument(awaiting().documents!, report, {
        at: NOW.toISOString(),
        direction: 'southbound',
        consent: grant,
      });
      if (!submitted.ok) throw new Error('not submitted');
      const reviewing = { ...awaiting(), stage: 'IN_REVIEW' as const, documents: submitted.set };
      expect(documentSubmissionRefusal(reviewing, { ...report, documentHash: 'b'.repeat(64) }, NOW)).toEqual({
        kind: 'conflict',
        message: 'in review, only a document a reviewer asked a new version of is taken',
      });
      const asked = requestNewVersion(submitted.set, 'credit-report', 'illegible', NOW.toISOString());
      if (!asked.ok) throw new Error('not asked');
      const replacing = { ...reviewing, documents: asked.set };
      expect(documentSubmissionRefusal(replacing, { ...report, documentHash: 'b'.repeat(64) }, NOW)).toBeUndefined();
    });
  });
});
