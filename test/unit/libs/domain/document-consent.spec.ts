import fc from 'fast-check';
import {
  documentConsentProblem,
  documentGrantFromConsent,
  isRealDateTime,
  parseDocumentConsentGrant,
  type ConsentGrant,
  type DocumentConsentContext,
  type DocumentConsentGrant,
} from '#domain';

const bureau = '0x' + 'a1'.repeat(20);
const bank = '0x' + 'b2'.repeat(20);
const grant: DocumentConsentGrant = {
  purposes: ['credit-assessment'],
  direction: 'southbound',
  validFrom: '2026-12-01T00:00:00Z',
  validUntil: '2027-01-01T00:00:00Z',
  consentTextHash: 'cccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccc',
  channel: 'mobile-app',
  capturedAt: '2026-01-01T00:00:00Z',
  kinds: {
    'bank-statement': { dataCategories: ['bank-statement'], issuers: [bank] },
    'personal-credit-report': { dataCategories: ['credit-report'], issuers: [bureau] },
  },
  documents: {
    'bank-statement/2026-06': { dataCategories: ['bank-statement'], issuers: [bureau] },
  },
};
const context: DocumentConsentContext = { at: '2026-12-03T00:00:00Z', direction: 'southbound' };

describe('documentConsentProblem', () => {
  it('covers a document whose kind, category, issuer, direction and time are all named', () => {
    expect(documentConsentProblem(grant, 'owner-credit-report', 'personal-credit-report', bureau, context)).toBe(
      undefined,
    );
    expect(documentConsentProblem(grant, 'bank-statement/2026-07', 'bank-statement', bank, context)).toBe(undefined);
  });

  it('compares issuer addresses without regard to case', () => {
    expect(
      documentConsentProblem(
        grant,
        'credit-report',
        'personal-credit-report',
        bureau.toUpperCase().replace('0X', '0x'),
        context,
      ),
    ).toBe(undefined);
  });

  it("lets a document key's own scope win over its kind's", () => {
    expect(documentConsentProblem(grant, 'bank-statement/2026-06', 'bank-statement', bureau, context)).toBe(undefined);
    expect(documentConsentProblem(grant, 'bank-statement/2026-06', 'bank-statement', bank, context)).toBe(
      "the consent does not name the document's issuer",
    );
  });

  it.each([
    ['no consent', undefined, 'credit-report', 'personal-credit-report', bureau, context, 'no consent has been given'],
    [
      'another kind',
      grant,
      'company-credit-report',
      'corporate-credit-report',
      bureau,
      context,
      'the consent does not cover this document or its kind',
    ],
    [
      'an issuer not named',
      grant,
      'credit-report',
      'personal-credit-report',
      bank,
      context,
      "the consent does not name the document's issuer",
    ],
    [
      'after its validity',
      grant,
      'credit-report',
      'personal-credit-report',
      bureau,
      { ...context, at: '2027-01-01T00:00:00Z' },
      'the consent has expired',
    ],
    [
      'before its validity',
      grant,
      'credit-report',
      'personal-credit-report',
      bureau,
      { ...context, at: '2026-11-30T23:59:59Z' },
      'the consent is not yet valid',
    ],
    [
      'the other direction',
      grant,
      'credit-report',
      'personal-credit-report',
      bureau,
      { ...context, direction: 'northbound' as const },
      "the consent does not cover the application's direction",
    ],
    [
      'a malformed time',
      grant,
      'credit-report',
      'personal-credit-report',
      bureau,
      { ...context, at: 'now' },
      'the consent has no valid period',
    ],
    [
      'an unknown kind in the consent',
      { ...grant, kinds: { payslip: { dataCategories: ['income'], issuers: [bureau] } } },
      'payslip',
      'payslip',
      bureau,
      context,
      'the document kind is not in the catalogue',
    ],
  ])('refuses %s', (_name, g, key, kind, issuer, ctx, reason) => {
    expect(documentConsentProblem(g, key, kind, issuer, ctx)).toBe(reason);
  });

  it('refuses a kind whose data category is not named', () => {
    const narrow = { ...grant, kinds: { 'bank-statement': { dataCategories: ['credit-report'], issuers: [bank] } } };
    expect(documentConsentProblem(narrow, 'bank-statement/2026-07', 'bank-statement', bank, context)).toBe(
      'the consent does not name the data category bank-statement',
    );
  });

  it('refuses a consent without the credit-assessment purpose', () => {
    expect(
      documentConsentProblem(
        { ...grant, purposes: ['marketing'] },
        'credit-report',
        'personal-credit-report',
        bureau,
        context,
      ),
    ).toBe('the consent does not name the purpose credit-assessment');
  });

  it('is never fooled by keys named like Object members', () => {
    for (const key of ['__proto__', 'constructor', 'toString'])
      expect(documentConsentProblem(grant, key, key, bureau, context)).toBe(
        'the consent does not cover this document or its kind',
      );
  });

  it('never names the issuer it refuses', () => {
    const reason = documentConsentProblem(grant, 'credit-report', 'personal-credit-report', bank, context);
    expect(reason).not.toContain(bank);
  });
});

describe('documentGrantFromConsent', () => {
  const consent: ConsentGrant = {
    purposes: ['credit-assessment'],
    dataCategories: ['credit-report'],
    direction: 'northbound',
    issuer: bureau,
    validUntil: '2027-01-01T00:00:00Z',
    consentTextHash: 'c'.repeat(64),
    channel: 'mobile-app',
    capturedAt: '2026-12-01T00:00:00Z',
  };

  it("covers today's single report from the one issuer, and nothing else", () => {
    const converted = documentGrantFromConsent(consent);
    const ctx = { at: '2026-12-02T00:00:00Z', direction: 'northbound' as const };
    expect(documentConsentProblem(converted, 'credit-report', 'personal-credit-report', bureau, ctx)).toBe(undefined);
    expect(documentConsentProblem(converted, 'credit-report', 'personal-credit-report', bank, ctx)).toBeDefined();
    expect(documentConsentProblem(converted, 'company-credit-report', 'corporate-credit-report', bureau, ctx)).toBe(
      'the consent does not cover this document or its kind',
    );
    expect(
      documentConsentProblem(converted, 'credit-report', 'personal-credit-report', bureau, {
        ...ctx,
        at: '2027-01-01T00:00:00Z',
      }),
    ).toBe('the consent has expired');
  });

  it('keeps a consent without the credit-report category outside', () => {
    const converted = documentGrantFromConsent({ ...consent, dataCategories: ['bank-statement'] });
    expect(
      documentConsentProblem(converted, 'credit-report', 'personal-credit-report', bureau, {
        at: '2026-12-02T00:00:00Z',
        direction: 'northbound',
      }),
    ).toBe('the consent does not name the data category credit-report');
  });
});

describe("another person's document", () => {
  it("is covered only by a scope naming its key, never by the applicant's kind-wide scope", () => {
    const owner = { ...context, subject: 'principal-owner' as const };
    expect(documentConsentProblem(grant, 'owner-credit-report', 'personal-credit-report', bureau, owner)).toBe(
      "the consent does not name this document: another person's document needs a scope of its own",
    );
    const named = {
      ...grant,
      documents: { 'owner-credit-report': { dataCategories: ['credit-report'], issuers: [bureau] } },
    };
    expect(documentConsentProblem(named, 'owner-credit-report', 'personal-credit-report', bureau, owner)).toBe(
      undefined,
    );
  });
});

describe('parseDocumentConsentGrant', () => {
  const record = { consentTextHash: 'c'.repeat(64), channel: 'mobile-app', capturedAt: '2026-01-01T00:00:00Z' };
  const json = {
    ...record,
    purposes: ['credit-assessment'],
    direction: 'southbound',
    validFrom: '2026-12-01T00:00:00Z',
    validUntil: '2027-01-01T00:00:00+08:00',
    kinds: {
      'bank-statement': { dataCategories: ['bank-statement'], issuers: [bank.toUpperCase().replace('0X', '0x')] },
    },
    documents: { 'owner-credit-report': { dataCategories: ['credit-report'], issuers: [bureau] } },
  };

  it('accepts a well-formed grant as a fresh copy, issuers lowercased', () => {
    const parsed = parseDocumentConsentGrant(json);
    expect(parsed).toEqual({
      ok: true,
      grant: { ...json, kinds: { 'bank-statement': { dataCategories: ['bank-statement'], issuers: [bank] } } },
    });
    if (parsed.ok) expect(parsed.grant.documents).not.toBe(json.documents);
  });

  it('names every problem with the field at fault, never a value', () => {
    const parsed = parseDocumentConsentGrant(
      JSON.parse(
        JSON.stringify({
          ...record,
          purposes: ['Credit Assessment<script>'],
          direction: 'eastbound',
          validFrom: '2027-02-01T00:00:00Z',
          validUntil: '2027-01-01T00:00:00Z',
          kinds: { payslip: { dataCategories: ['x'], issuers: ['<img>'] }, 'bank-statement': [] },
          documents: { 'Owner Report<b>': { dataCategories: ['credit-report'], issuers: [bureau] } },
          colour: 'red',
        }),
      ),
    );
    expect(parsed).toEqual({
      ok: false,
      problems: [
        { field: 'consent.colour', message: 'is not a property of a consent' },
        {
          field: 'consent.purposes',
          message: 'must be a list of 1 to 8 purposes (lowercase words joined by hyphens)',
        },
        { field: 'consent.direction', message: 'must be northbound or southbound' },
        { field: 'consent.validUntil', message: 'must be later than validFrom' },
        { field: 'consent.documents.(unnamed)', message: 'is not a document key (a slot name, or slot/YYYY-MM)' },
        { field: 'consent.kinds.payslip', message: 'is not a document kind of the catalogue' },
        { field: 'consent.kinds.bank-statement', message: 'must be an object with dataCategories and issuers' },
      ],
    });
    expect(JSON.stringify(parsed)).not.toMatch(/script|img|<b>|eastbound/);
  });

  it('requires what the consent evidence records: the consent text hash, the channel and a capture time before the end', () => {
    const { consentTextHash: _hash, channel: _channel, capturedAt: _at, ...bare } = json;
    expect(parseDocumentConsentGrant(bare)).toEqual({
      ok: false,
      problems: [
        { field: 'consent.consentTextHash', message: 'must be a SHA-256 digest, 64 lowercase hex characters' },
        { field: 'consent.channel', message: 'must be a code of lowercase words joined by hyphens' },
        {
          field: 'consent.capturedAt',
          message: 'must be an RFC 3339 date-time of a real day, e.g. 2026-11-20T09:00:00Z',
        },
      ],
    });
    expect(
      parseDocumentConsentGrant({
        ...json,
        consentTextHash: 'C'.repeat(64),
        channel: 'Mobile App',
        capturedAt: '2027-02-01T00:00:00Z',
      }),
    ).toEqual({
      ok: false,
      problems: [
        { field: 'consent.consentTextHash', message: 'must be a SHA-256 digest, 64 lowercase hex characters' },
        { field: 'consent.channel', message: 'must be a code of lowercase words joined by hyphens' },
        { field: 'consent.capturedAt', message: 'must come before validUntil' },
      ],
    });
  });

  // Found in review: the pattern alone let unreal times through, which Date reads as another day.
  it.each(['2026-02-30T00:00:00Z', '2026-06-01T24:00:00Z', '2026-06-01T00:00Z', '2026-12-31T23:59:60Z', '2026-06-01'])(
    'refuses the unreal or incomplete time %s, as the API does',
    (time) => {
      const json = {
        ...record,
        purposes: ['credit-assessment'],
        direction: 'northbound',
        validFrom: '2026-01-01T00:00:00Z',
        validUntil: '2027-01-01T00:00:00Z',
        kinds: { 'bank-statement': { dataCategories: ['bank-statement'], issuers: [bank] } },
      };
      const message = 'must be an RFC 3339 date-time of a real day, e.g. 2026-11-20T09:00:00Z';
      expect(isRealDateTime(time)).toBe(false);
      expect(parseDocumentConsentGrant({ ...json, validUntil: time })).toEqual({
        ok: false,
        problems: [{ field: 'consent.validUntil', message }],
      });
      expect(parseDocumentConsentGrant({ ...json, validFrom: time })).toEqual({
        ok: false,
        problems: [{ field: 'consent.validFrom', message }],
      });
    },
  );

  // Found in review: a grant covering nothing, or without the purpose every use needs, parsed as ok.
  it('refuses a grant that covers nothing or lacks the credit-assessment purpose', () => {
    const json = {
      ...record,
      purposes: ['credit-assessment'],
      direction: 'northbound',
      validUntil: '2027-01-01T00:00:00Z',
      kinds: { 'bank-statement': { dataCategories: ['bank-statement'], issuers: [bank] } },
    };
    expect(parseDocumentConsentGrant(json).ok).toBe(true);
    expect(parseDocumentConsentGrant({ ...json, kinds: {} })).toEqual({
      ok: false,
      problems: [{ field: 'consent.kinds', message: 'must have 1 to 64 scopes' }],
    });
    expect(parseDocumentConsentGrant({ ...json, kinds: undefined, documents: {} })).toEqual({
      ok: false,
      problems: [{ field: 'consent.documents', message: 'must have 1 to 64 scopes' }],
    });
    expect(parseDocumentConsentGrant({ ...json, purposes: ['marketing'] })).toEqual({
      ok: false,
      problems: [{ field: 'consent.purposes', message: 'must include credit-assessment' }],
    });
  });

  it('refuses reserved keys, missing scopes and non-objects', () => {
    expect(
      parseDocumentConsentGrant(
        JSON.parse(
          `{"purposes":["credit-assessment"],"direction":"northbound","validUntil":"2027-01-01T00:00:00Z","kinds":{"__proto__":{"dataCategories":["credit-report"],"issuers":[]}},"consentTextHash":"${'c'.repeat(64)}","channel":"mobile-app","capturedAt":"2026-01-01T00:00:00Z"}`,
        ),
      ),
    ).toEqual({ ok: false, problems: [{ field: 'consent.kinds.__proto__', message: 'this key is not allowed' }] });
    expect(parseDocumentConsentGrant({ ...json, documents: undefined, kinds: undefined })).toMatchObject({
      ok: false,
      problems: [{ field: 'consent', message: 'must name documents or kinds it covers' }],
    });
    for (const value of [null, [], 'consent', 7])
      expect(parseDocumentConsentGrant(value)).toEqual({
        ok: false,
        problems: [{ field: 'consent', message: 'must be an object' }],
      });
  });

  it('never throws', () => {
    fc.assert(
      fc.property(fc.anything(), fc.dictionary(fc.string(), fc.anything()), (value, kinds) => {
        expect(typeof parseDocumentConsentGrant(value).ok).toBe('boolean');
        expect(typeof parseDocumentConsentGrant({ ...json, kinds, documents: kinds }).ok).toBe('boolean');
      }),
    );
  });
});
