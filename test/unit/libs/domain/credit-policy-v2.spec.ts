import fc from 'fast-check';
import {
  CREDIT_POLICIES,
  creditPolicyV2,
  creditPolicyV2KnobsProblems,
  decideCreditLine,
  DEFAULT_DOCUMENT_REQUIREMENTS,
  documentSetFor,
  DocumentStatus,
  parseReason,
  STANDARD_DOCUMENT_KINDS,
  toMinorUnits,
  type CreditPolicyV2Knobs,
  type DocumentConsentGrant,
  type DocumentFields,
  type DocumentSet,
  type ReviewDecision,
} from '#domain';

const decidedAt = '2026-12-10T00:00:00.000Z';
const issuer = '0x' + 'a1'.repeat(20);
const everything = {
  dataCategories: ['credit-report', 'corporate-credit-report', 'bank-statement', 'business-registration'],
  issuers: [issuer],
};
const grant = (direction: 'northbound' | 'southbound'): DocumentConsentGrant => ({
  purposes: ['credit-assessment'],
  direction,
  validUntil: '2027-01-01T00:00:00Z',
  consentTextHash: 'cccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccc',
  channel: 'mobile-app',
  capturedAt: '2026-01-01T00:00:00Z',
  kinds: Object.fromEntries(STANDARD_DOCUMENT_KINDS.map((kind) => [kind, everything])),
  documents: { 'owner-credit-report': everything },
});
const requested = { amount: '500000.00', currency: 'HKD' };

/** A set whose every document is verified with the given fields (tests build states directly: the policy reads state). */
function verifiedSet(
  applicantType: 'person' | 'company',
  direction: 'northbound' | 'southbound',
  fieldsFor: (key: string) => DocumentFields,
): DocumentSet {
  const created = documentSetFor(DEFAULT_DOCUMENT_REQUIREMENTS, {
    product: 'sme-credit-line',
    applicantType,
    direction,
    createdAt: '2026-12-03T09:00:00Z',
  });
  if (!created.ok) throw new Error('expected a set');
  return {
    documents: created.set.documents.map((d, i) => ({
      ...d,
      status: DocumentStatus.VERIFIED,
      versions: 1,
      current: {
        version: 1,
        documentHash: i.toString(16).padStart(64, '0'),
        issuer,
        fields: fieldsFor(d.key),
        submittedAt: decidedAt,
        verification: { verdict: 'VERIFIED', at: decidedAt },
      },
    })),
  };
}

const statement = (inflows: string, currency = 'HKD'): DocumentFields => ({
  month: '2026-09',
  averageBalance: { minorUnits: '100000', currency },
  totalInflows: { minorUnits: inflows, currency },
});

function companyFields(overrides: Record<string, DocumentFields> = {}, inflows = '10000000') {
  return (key: string): DocumentFields =>
    overrides[key] ??
    (key.startsWith('bank-statement/')
      ? statement(inflows)
      : key === 'company-credit-report'
        ? { rating: 'AA', score: 700 }
        : key === 'business-registration'
          ? { status: 'active', registeredOn: '2015-04-01' }
          : { score: 720, scoreBand: 'A', delinquencies: 0 });
}

const southbound = { grant: grant('southbound'), direction: 'southbound' as const };
/** A person's set is the same either way; a company's northbound set has its registration. */
const consentFor = (documents: DocumentSet) =>
  documents.documents.some((d) => d.key === 'business-registration')
    ? { grant: grant('northbound'), direction: 'northbound' as const }
    : southbound;
const decide = (documents: DocumentSet, knobs?: CreditPolicyV2Knobs, approvals: ReviewDecision[] = []) =>
  decideCreditLine('credit-policy-v2', {
    requested,
    documents,
    approvals,
    decidedAt,
    consent: consentFor(documents),
    ...(knobs && { knobs }),
  });

describe('credit-policy-v2', () => {
  it('is registered beside v1', () => {
    expect(Object.keys(CREDIT_POLICIES)).toEqual(['credit-policy-v1', 'credit-policy-v2']);
  });

  it('grants a person the share of the request their band allows, with a 30-day offer', () => {
    expect(
      decide(verifiedSet('person', 'southbound', () => ({ score: 700, scoreBand: 'B', delinquencies: 0 }))),
    ).toEqual({
      outcome: 'APPROVED',
      limit: { amount: '375000.00', currency: 'HKD' },
      offerExpiresAt: '2027-01-09T00:00:00.000Z',
      policyVersion: 'credit-policy-v2',
    });
  });

  it('caps a company at 300% of its average monthly inflows by default, or the configured percent', () => {
    // 100,000.00 inflows a month: capped at 300,000.00 of the 500,000.00 requested.
    expect(decide(verifiedSet('company', 'southbound', companyFields()))).toMatchObject({
      outcome: 'APPROVED',
      limit: { amount: '300000.00', currency: 'HKD' },
    });
    expect(decide(verifiedSet('company', 'southbound', companyFields()), { inflowCapPercent: 150 })).toMatchObject({
      limit: { amount: '150000.00' },
    });
    // Averages over the statements: 6 months of 1, 2, ... 6 hundred thousand, average 350,000.00.
    const rising = (key: string) =>
      key.startsWith('bank-statement/')
        ? statement(String((Number(key.slice(-2)) - 5) * 10_000_000))
        : companyFields()(key);
    expect(decide(verifiedSet('company', 'southbound', rising), { inflowCapPercent: 100 })).toMatchObject({
      limit: { amount: '350000.00' },
    });
  });

  it("takes the lowest share of the company's rating and the owner's band, and the lowest recommendation", () => {
    const fields = companyFields({ 'company-credit-report': { rating: 'BBB', score: 700 } }, '100000000');
    expect(decide(verifiedSet('company', 'southbound', fields))).toMatchObject({ limit: { amount: '375000.00' } });
    const owner = companyFields(
      { 'owner-credit-report': { score: 650, scoreBand: 'C', delinquencies: 0 } },
      '100000000',
    );
    expect(decide(verifiedSet('company', 'southbound', owner))).toMatchObject({ limit: { amount: '250000.00' } });
    const approval: ReviewDecision = {
      reviewer: 'alice',
      at: decidedAt,
      outcome: { kind: 'approve', recommendedLimit: { amount: '120000.50', currency: 'HKD' } },
    };
    expect(decide(verifiedSet('company', 'southbound', companyFields()), undefined, [approval])).toMatchObject({
      limit: { amount: '120000.50' },
    });
  });

  it('declines naming the document behind each reason', () => {
    const fields = companyFields({
      'owner-credit-report': { score: 540, scoreBand: 'D', delinquencies: 2 },
      'company-credit-report': { rating: 'CCC', score: 700 },
      'bank-statement/2026-08': statement('100', 'CNY'),
      'business-registration': { status: 'struck-off', registeredOn: '2015-04-01' },
    });
    expect(decide(verifiedSet('company', 'northbound', fields))).toEqual({
      outcome: 'DECLINED',
      policyVersion: 'credit-policy-v2',
      reasonCodes: [
        'RATING_BELOW_POLICY:company-credit-report',
        'CURRENCY_MISMATCH:bank-statement/2026-08',
        'SCORE_BELOW_MINIMUM:owner-credit-report',
        'SCORE_BAND_BELOW_POLICY:owner-credit-report',
        'DELINQUENCY_ON_RECORD:owner-credit-report',
        'REGISTRATION_NOT_ACTIVE:business-registration',
      ],
    });
  });

  // Found in review: an absent delinquency count passed as clean, an absent corporate score skipped
  // the minimum score; a state checked against an older catalogue may still lack them.
  it('declines, naming the document, when a field it reads is absent rather than taking it as clean', () => {
    expect(decide(verifiedSet('person', 'southbound', () => ({ score: 700, scoreBand: 'A' })))).toEqual({
      outcome: 'DECLINED',
      policyVersion: 'credit-policy-v2',
      reasonCodes: ['DOCUMENT_FIELDS_INVALID:credit-report'],
    });
    const fields = companyFields({ 'company-credit-report': { rating: 'AA' } });
    expect(decide(verifiedSet('company', 'southbound', fields))).toMatchObject({
      outcome: 'DECLINED',
      reasonCodes: ['DOCUMENT_FIELDS_INVALID:company-credit-report'],
    });
  });

  it('declines a set with documents missing or revoked, naming each', () => {
    const set = verifiedSet('company', 'southbound', companyFields());
    const documents = set.documents.map((d) =>
      d.key === 'bank-statement/2026-09'
        ? { ...d, status: DocumentStatus.AWAITING, current: undefined }
        : d.key === 'company-credit-report'
          ? { ...d, status: DocumentStatus.REVOKED }
          : d,
    );
    expect(decide({ documents })).toMatchObject({
      outcome: 'DECLINED',
      reasonCodes: ['DOCUMENT_REVOKED:company-credit-report', 'DOCUMENT_MISSING:bank-statement/2026-09'],
    });
    expect(decide({ documents: [] })).toMatchObject({ reasonCodes: ['DOCUMENT_SET_MISSING'] });
    expect(decideCreditLine('credit-policy-v2', { requested, approvals: [], decidedAt })).toMatchObject({
      reasonCodes: ['DOCUMENT_SET_MISSING'],
    });
  });

  it('reads no document outside the consent at the decision, and decides nothing without a consent', () => {
    const set = verifiedSet('company', 'southbound', companyFields());
    const decideWith = (consent?: { grant: DocumentConsentGrant; direction: 'southbound' }) =>
      decideCreditLine('credit-policy-v2', {
        requested,
        documents: set,
        approvals: [],
        decidedAt,
        ...(consent && { consent }),
      });
    expect(decideWith({ grant: { ...grant('southbound'), documents: {} }, direction: 'southbound' })).toMatchObject({
      outcome: 'DECLINED',
      reasonCodes: ['DOCUMENT_OUTSIDE_CONSENT:owner-credit-report'],
    });
    const lapsed = decideWith({ grant: { ...grant('southbound'), validUntil: decidedAt }, direction: 'southbound' });
    expect(lapsed.outcome === 'DECLINED' && lapsed.reasonCodes.map((r) => parseReason(r).code)).toEqual(
      Array(8).fill('DOCUMENT_OUTSIDE_CONSENT'),
    );
    expect(decideWith()).toMatchObject({ outcome: 'DECLINED', reasonCodes: ['CONSENT_MISSING'] });
  });

  it('declines a line below the minimum (no inflows, or under the configured minimum)', () => {
    expect(decide(verifiedSet('company', 'southbound', companyFields({}, '0')))).toMatchObject({
      outcome: 'DECLINED',
      reasonCodes: ['LIMIT_BELOW_MINIMUM'],
    });
    expect(decide(verifiedSet('company', 'southbound', companyFields()), { minimumLimit: '300000.01' })).toMatchObject({
      reasonCodes: ['LIMIT_BELOW_MINIMUM'],
    });
  });

  it('declines rather than deciding on malformed input or knobs', () => {
    const set = verifiedSet('person', 'southbound', () => ({ score: 700, scoreBand: 'A', delinquencies: 0 }));
    for (const knobs of [
      { inflowCapPercent: 0 },
      { inflowCapPercent: 2.5 },
      { minimumScore: -1 },
      { minimumLimit: '1e5' },
    ])
      expect(decide(set, knobs)).toMatchObject({ reasonCodes: ['INPUT_INVALID'] });
    expect(
      decideCreditLine('credit-policy-v2', {
        requested: { amount: 'lots', currency: 'HKD' },
        documents: set,
        approvals: [],
        decidedAt,
        consent: southbound,
      }),
    ).toMatchObject({ reasonCodes: ['INPUT_INVALID'] });
    expect(
      decideCreditLine('credit-policy-v2', {
        requested,
        documents: set,
        approvals: [],
        decidedAt: 'now',
        consent: southbound,
      }),
    ).toMatchObject({ reasonCodes: ['INPUT_INVALID'] });
    expect(
      decideCreditLine('credit-policy-v2', {
        requested,
        documents: set,
        approvals: [],
        decidedAt: '+275760-09-01T00:00:00.000Z',
        consent: { ...southbound, grant: { ...southbound.grant, validUntil: '+275760-09-13T00:00:00.000Z' } },
      }),
    ).toMatchObject({ reasonCodes: ['INPUT_INVALID'] });
    const wrongShape = verifiedSet('person', 'southbound', () => ({ score: '700', scoreBand: 'A' }));
    expect(decide(wrongShape)).toMatchObject({ reasonCodes: ['DOCUMENT_FIELDS_INVALID:credit-report'] });
  });

  // Found in review: v2 is documented never to throw (a throw wedges a workflow task), yet these threw.
  it('declines INPUT_INVALID rather than throwing on input of the wrong shape', () => {
    const set = verifiedSet('company', 'southbound', companyFields());
    const base = { requested, documents: set, approvals: [] as unknown[], decidedAt, consent: southbound };
    const invalid = { outcome: 'DECLINED', reasonCodes: ['INPUT_INVALID'], policyVersion: 'credit-policy-v2' };
    const withFields = (fields: unknown) => ({
      documents: set.documents.map((d, i) => (i === 0 ? { ...d, current: { ...d.current!, fields } } : d)),
    });
    for (const change of [
      { knobs: { minimumLimit: 100 } },
      { knobs: null },
      { knobs: 'high' },
      { approvals: [null] },
      { approvals: null },
      { approvals: [{ reviewer: 'r', at: decidedAt, outcome: { kind: 'approve' } }] },
      { approvals: [{ reviewer: 'r', at: decidedAt, outcome: { kind: 'approve', recommendedLimit: { amount: 1 } } }] },
      { approvals: [{ reviewer: 'r', at: decidedAt }] },
      { documents: { documents: 'all of them' } },
      { documents: { documents: [null] } },
      { documents: [] },
      withFields(null),
      withFields('score 700'),
      { consent: { ...southbound, catalogue: 42 } },
      { consent: null },
      { requested: { amount: 500000, currency: 'HKD' } },
      { requested: { amount: '500000.00', currency: ['HKD'] } },
      { requested: null },
    ])
      expect(creditPolicyV2({ ...base, ...change } as never)).toEqual(invalid);
    for (const input of [null, undefined, 'decide', 42, []]) expect(creditPolicyV2(input as never)).toEqual(invalid);
    expect(creditPolicyV2KnobsProblems({ minimumLimit: 100 } as never, 'HKD')).toEqual([
      'minimumLimit: amount is not a positive decimal string',
    ]);
    expect(creditPolicyV2KnobsProblems(null as never, 'HKD')).toEqual(['knobs: must be an object']);
  });

  it('never throws, whatever JSON-ish value is in any position (property)', () => {
    const set = verifiedSet('company', 'southbound', companyFields());
    const approvalOf = (amount: string): ReviewDecision => ({
      reviewer: 'r',
      at: decidedAt,
      outcome: { kind: 'approve', recommendedLimit: { amount, currency: 'HKD' } },
    });
    const base = () =>
      structuredClone({
        requested,
        documents: set,
        approvals: [approvalOf('400000.00')],
        decidedAt,
        consent: { ...southbound, catalogue: { kinds: {} } },
        knobs: { minimumLimit: '1000.00', inflowCapPercent: 300, minimumScore: 600 },
      }) as Record<string, unknown>;
    // Documents: 0 the company's report, 1-6 the statements, 7 the owner's report.
    const paths: (string | number)[][] = [
      [],
      ['requested'],
      ['requested', 'amount'],
      ['requested', 'currency'],
      ['approvals'],
      ['approvals', 0],
      ['approvals', 0, 'outcome'],
      ['approvals', 0, 'outcome', 'kind'],
      ['approvals', 0, 'outcome', 'recommendedLimit'],
      ['approvals', 0, 'outcome', 'recommendedLimit', 'amount'],
      ['decidedAt'],
      ['documents'],
      ['documents', 'documents'],
      ['documents', 'documents', 0],
      ['documents', 'documents', 0, 'key'],
      ['documents', 'documents', 0, 'kind'],
      ['documents', 'documents', 0, 'status'],
      ['documents', 'documents', 0, 'current'],
      ['documents', 'documents', 0, 'current', 'fields'],
      ['documents', 'documents', 0, 'current', 'fields', 'rating'],
      ['documents', 'documents', 0, 'current', 'fields', 'score'],
      ['documents', 'documents', 0, 'current', 'issuer'],
      ['documents', 'documents', 1, 'current', 'fields', 'totalInflows'],
      ['documents', 'documents', 1, 'current', 'fields', 'totalInflows', 'minorUnits'],
      ['documents', 'documents', 1, 'current', 'fields', 'averageBalance', 'currency'],
      ['documents', 'documents', 7, 'current', 'fields'],
      ['documents', 'documents', 7, 'current', 'fields', 'delinquencies'],
      ['documents', 'documents', 7, 'subject'],
      ['consent'],
      ['consent', 'grant'],
      ['consent', 'grant', 'kinds'],
      ['consent', 'grant', 'documents'],
      ['consent', 'grant', 'validUntil'],
      ['consent', 'direction'],
      ['consent', 'catalogue'],
      ['consent', 'catalogue', 'kinds'],
      ['knobs'],
      ['knobs', 'minimumLimit'],
      ['knobs', 'inflowCapPercent'],
      ['knobs', 'minimumScore'],
    ];
    const value = fc.oneof(fc.anything(), fc.jsonValue());
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.constantFrom(...paths), value), { maxLength: 4 }), (changes) => {
        let input: unknown = base();
        for (const [path, v] of changes) {
          if (path.length === 0) {
            input = v;
            continue;
          }
          let at: unknown = input;
          for (const step of path.slice(0, -1))
            at = typeof at === 'object' && at !== null ? (at as never)[step] : undefined;
          if (typeof at === 'object' && at !== null) (at as Record<string | number, unknown>)[path.at(-1)!] = v;
        }
        const decision = creditPolicyV2(input as never);
        expect(['APPROVED', 'DECLINED']).toContain(decision.outcome);
        const knobs = (input as { knobs?: unknown } | null)?.knobs;
        expect(Array.isArray(creditPolicyV2KnobsProblems(knobs as never, 'HKD'))).toBe(true);
      }),
      { numRuns: 500 },
    );
    fc.assert(
      fc.property(value, value, (knobs, currency) => {
        expect(Array.isArray(creditPolicyV2KnobsProblems(knobs as never, currency as never))).toBe(true);
      }),
    );
  });

  it('never grants more than the inflow cap or the request, and never a negative line', () => {
    fc.assert(
      fc.property(
        fc.array(fc.bigInt({ min: 0n, max: 10n ** 15n - 1n }), { minLength: 6, maxLength: 6 }),
        fc.integer({ min: 1, max: 10_000 }),
        fc.bigInt({ min: 1n, max: 10n ** 15n - 1n }),
        (inflows, inflowCapPercent, requestedMinor) => {
          let month = 0;
          const fields = (key: string) =>
            key.startsWith('bank-statement/') ? statement(String(inflows[month++])) : companyFields()(key);
          const amount = `${requestedMinor / 100n}.${String(requestedMinor % 100n).padStart(2, '0')}`;
          const decision = decideCreditLine('credit-policy-v2', {
            requested: { amount, currency: 'HKD' },
            documents: verifiedSet('company', 'southbound', fields),
            approvals: [],
            decidedAt,
            consent: southbound,
            knobs: { inflowCapPercent },
          });
          const cap = ((inflows.reduce((a, b) => a + b, 0n) / 6n) * BigInt(inflowCapPercent)) / 100n;
          if (decision.outcome === 'APPROVED') {
            const limit = toMinorUnits(decision.limit);
            expect(limit).toBeGreaterThan(0n);
            expect(limit).toBeLessThanOrEqual(cap);
            expect(limit).toBeLessThanOrEqual(requestedMinor);
          } else {
            expect(decision.reasonCodes).toEqual(['LIMIT_BELOW_MINIMUM']);
            expect(cap < 1n || requestedMinor < 1n).toBe(true);
          }
        },
      ),
    );
  });
});

describe('credit-policy-v1 beside v2', () => {
  it('declines when asked to decide without a report', () => {
    expect(decideCreditLine('credit-policy-v1', { requested, approvals: [], decidedAt })).toEqual({
      outcome: 'DECLINED',
      reasonCodes: ['REPORT_MISSING'],
      policyVersion: 'credit-policy-v1',
    });
  });

  it('knows no policy named like an Object member', () => {
    for (const version of ['constructor', 'toString', '__proto__'])
      expect(() => decideCreditLine(version, { requested, approvals: [], decidedAt })).toThrow(
        /unknown credit policy version/,
      );
  });
});

describe('parseReason', () => {
  it.each([
    ['SCORE_BELOW_MINIMUM:owner-credit-report', { code: 'SCORE_BELOW_MINIMUM', documentKey: 'owner-credit-report' }],
    ['DOCUMENT_MISSING:bank-statement/2026-09', { code: 'DOCUMENT_MISSING', documentKey: 'bank-statement/2026-09' }],
    ['LIMIT_BELOW_MINIMUM', { code: 'LIMIT_BELOW_MINIMUM' }],
    ['', { code: '' }],
  ])('splits %j', (reason, parsed) => {
    expect(parseReason(reason)).toEqual(parsed);
  });

  it('round-trips every code and key', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[A-Z_]{1,30}$/), fc.string(), (code, key) => {
        expect(parseReason(`${code}:${key}`)).toEqual({ code, documentKey: key });
      }),
    );
  });
});
