import fc from 'fast-check';
import {
  catalogueFromConfiguration,
  DEFAULT_DOCUMENT_CATALOGUE,
  parseDocumentFields,
  STANDARD_DOCUMENT_KINDS,
  validateDocumentFields,
} from '#domain';

const catalogue = DEFAULT_DOCUMENT_CATALOGUE;
const statement = {
  month: '2026-09',
  averageBalance: { minorUnits: '1250000', currency: 'HKD' },
  totalInflows: { minorUnits: '9000000', currency: 'HKD' },
};

describe('the default document catalogue', () => {
  it('has the four standard kinds, each with a data category and fields', () => {
    expect(Object.keys(catalogue.kinds).sort()).toEqual([...STANDARD_DOCUMENT_KINDS].sort());
    expect(catalogue.kinds['personal-credit-report']?.dataCategory).toBe('credit-report');
    expect(catalogue.kinds['bank-statement']?.fields.totalInflows).toEqual({ type: 'money' });
  });

  // Found in review: both were optional, and credit-policy-v2 took an absent count as a clean record
  // and skipped the minimum score for an absent corporate score.
  it('requires the fields credit-policy-v2 relies on: delinquencies, and the corporate score', () => {
    expect(validateDocumentFields(catalogue, 'personal-credit-report', { score: 701, scoreBand: 'B' })).toEqual([
      { field: 'fields.delinquencies', message: 'is required' },
    ]);
    expect(validateDocumentFields(catalogue, 'corporate-credit-report', { rating: 'BBB' })).toEqual([
      { field: 'fields.score', message: 'is required' },
    ]);
  });

  it('accepts the fields each kind carries, and copies only those', () => {
    expect(
      validateDocumentFields(catalogue, 'personal-credit-report', { score: 701, scoreBand: 'B', delinquencies: 0 }),
    ).toEqual([]);
    expect(validateDocumentFields(catalogue, 'corporate-credit-report', { rating: 'BBB', score: 700 })).toEqual([]);
    expect(validateDocumentFields(catalogue, 'bank-statement', statement)).toEqual([]);
    expect(
      validateDocumentFields(catalogue, 'business-registration', { status: 'active', registeredOn: '2016-02-29' }),
    ).toEqual([]);
    const parsed = parseDocumentFields(catalogue, 'bank-statement', statement);
    expect(parsed).toEqual({ ok: true, fields: statement });
    if (parsed.ok) expect(parsed.fields.averageBalance).not.toBe(statement.averageBalance);
  });
});

describe('validateDocumentFields', () => {
  it.each([
    ['null', null, [{ field: 'fields', message: 'must be an object' }]],
    ['an array', [1, 2], [{ field: 'fields', message: 'must be an object' }]],
    ['a string', 'score=700', [{ field: 'fields', message: 'must be an object' }]],
  ])('refuses %s as the fields', (_name, fields, problems) => {
    expect(validateDocumentFields(catalogue, 'personal-credit-report', fields)).toEqual(problems);
  });

  it('refuses an unknown kind, also one named like an Object member', () => {
    for (const kind of ['payslip', 'constructor', '__proto__', 'toString'])
      expect(validateDocumentFields(catalogue, kind, {})).toEqual([
        { field: 'kind', message: 'is not a document kind of this catalogue' },
      ]);
  });

  it('names every problem: missing, out of range, wrong type, unknown field', () => {
    expect(
      validateDocumentFields(catalogue, 'personal-credit-report', { score: 1e21, colour: 'red' }).sort((a, b) =>
        a.field.localeCompare(b.field),
      ),
    ).toEqual([
      { field: 'fields.colour', message: 'is not a field of this document kind' },
      { field: 'fields.delinquencies', message: 'is required' },
      { field: 'fields.score', message: 'must be an integer from 0 to 1000' },
      { field: 'fields.scoreBand', message: 'is required' },
    ]);
    for (const score of [-1, 1001, 700.5, Number.NaN, Infinity, '700', 2 ** 60, null])
      expect(
        validateDocumentFields(catalogue, 'personal-credit-report', { score, scoreBand: 'A', delinquencies: 0 }),
      ).toEqual([{ field: 'fields.score', message: 'must be an integer from 0 to 1000' }]);
  });

  it('stores -0 as 0, so the copy survives JSON unchanged', () => {
    const parsed = parseDocumentFields(catalogue, 'personal-credit-report', {
      score: -0,
      scoreBand: 'A',
      delinquencies: 0,
    });
    expect(parsed.ok && Object.is(parsed.fields.score, 0)).toBe(true);
  });

  it('refuses reserved keys, __proto__ included as JSON.parse makes it an own key', () => {
    const fields = JSON.parse(
      '{"score": 700, "scoreBand": "A", "delinquencies": 0, "__proto__": {"x": 1}, "constructor": 1}',
    );
    expect(validateDocumentFields(catalogue, 'personal-credit-report', fields)).toEqual([
      { field: 'fields.__proto__', message: 'this key is not allowed' },
      { field: 'fields.constructor', message: 'this key is not allowed' },
    ]);
    const money = JSON.parse(
      '{"month":"2026-09","averageBalance":{"minorUnits":"1","currency":"HKD","__proto__":null},"totalInflows":{"minorUnits":"1","currency":"HKD"}}',
    );
    expect(validateDocumentFields(catalogue, 'bank-statement', money)).toEqual([
      { field: 'fields.averageBalance.__proto__', message: 'this key is not allowed' },
    ]);
  });

  it.each([
    [{ minorUnits: 100, currency: 'HKD' }, 'fields.totalInflows.minorUnits'],
    [{ minorUnits: '100.50', currency: 'HKD' }, 'fields.totalInflows.minorUnits'],
    [{ minorUnits: '-100', currency: 'HKD' }, 'fields.totalInflows.minorUnits'],
    [{ minorUnits: '0100', currency: 'HKD' }, 'fields.totalInflows.minorUnits'],
    [{ minorUnits: '1'.repeat(16), currency: 'HKD' }, 'fields.totalInflows.minorUnits'],
    [{ minorUnits: '100', currency: 'XYZ' }, 'fields.totalInflows.currency'],
    [{ minorUnits: '100', currency: 'constructor' }, 'fields.totalInflows.currency'],
    [{ minorUnits: '100', currency: 'hkd' }, 'fields.totalInflows.currency'],
    [{ minorUnits: '100' }, 'fields.totalInflows.currency'],
    [{ amount: '1.00', currency: 'HKD', minorUnits: '100' }, 'fields.totalInflows.amount'],
    [[100, 'HKD'], 'fields.totalInflows'],
    ['100 HKD', 'fields.totalInflows'],
  ])('refuses the money value %j at %s', (totalInflows, field) => {
    const problems = validateDocumentFields(catalogue, 'bank-statement', { ...statement, totalInflows });
    expect(problems.map((p) => p.field)).toEqual([field]);
  });

  it.each(['2026-02-29', '2026-13-01', '2026-04-31', '26-01-01', '2026-1-1', '2026-01-01T00:00:00Z', 20260101])(
    'refuses the date %j',
    (registeredOn) => {
      expect(validateDocumentFields(catalogue, 'business-registration', { status: 'active', registeredOn })).toEqual([
        { field: 'fields.registeredOn', message: 'must be a calendar date, YYYY-MM-DD' },
      ]);
    },
  );

  it.each(['2026-00', '2026-13', '2026-9', '2026-09-01'])('refuses the month %j', (month) => {
    expect(validateDocumentFields(catalogue, 'bank-statement', { ...statement, month })).toEqual([
      { field: 'fields.month', message: 'must be a calendar month, YYYY-MM' },
    ]);
  });

  it('never echoes a submitted value or a key that is not a plain name', () => {
    // Every generated key and value carries a marker no message has, so an echo of any part shows.
    const marked = (s: string) => `\u27c2${s}`;
    fc.assert(
      fc.property(
        fc.string().map(marked),
        fc.oneof(
          fc.string().map(marked),
          fc.record({ minorUnits: fc.string().map(marked), currency: fc.string().map(marked) }),
        ),
        fc.constantFrom('score', 'scoreBand', 'delinquencies'),
        fc.constantFrom('personal-credit-report', 'bank-statement'),
        (key, value, field, kind) => {
          const fields = { score: 700, scoreBand: 'A', averageBalance: value, [field]: value, [key]: value };
          const answer = JSON.stringify(validateDocumentFields(catalogue, kind, fields));
          expect(answer).not.toContain('\u27c2');
          expect(answer).toContain('(unnamed)');
        },
      ),
    );
  });

  it('never throws, whatever the fields', () => {
    fc.assert(
      fc.property(fc.constantFrom(...STANDARD_DOCUMENT_KINDS), fc.anything(), (kind, fields) => {
        expect(Array.isArray(validateDocumentFields(catalogue, kind, fields))).toBe(true);
      }),
    );
  });
});

describe('catalogueFromConfiguration', () => {
  const payslip = {
    dataCategory: 'income-proof',
    fields: {
      month: { type: 'month' },
      netPay: { type: 'money' },
      grade: { type: 'enum', values: ['junior', 'senior'], required: false },
      hours: { type: 'integer', min: 0, max: 744 },
      issuedOn: { type: 'date' },
    },
  };

  it('adds configured kinds to the standard ones', () => {
    const result = catalogueFromConfiguration({ kinds: { payslip } });
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(Object.keys(result.catalogue.kinds)).toEqual([...STANDARD_DOCUMENT_KINDS, 'payslip']);
    expect(
      validateDocumentFields(result.catalogue, 'payslip', {
        month: '2026-10',
        netPay: { minorUnits: '3000000', currency: 'CNY' },
        hours: 160,
        issuedOn: '2026-11-01',
      }),
    ).toEqual([]);
  });

  it("takes a kind's age limit in whole days, and a bank statement's is longer than a report's", () => {
    expect(DEFAULT_DOCUMENT_CATALOGUE.kinds['bank-statement']?.maxAgeDays).toBeGreaterThan(6 * 31);
    const ok = catalogueFromConfiguration({ kinds: { payslip: { ...payslip, maxAgeDays: 45 } } });
    expect(ok.ok && ok.catalogue.kinds.payslip?.maxAgeDays).toBe(45);
    for (const maxAgeDays of [0, 1.5, '30', 5000]) {
      expect(catalogueFromConfiguration({ kinds: { payslip: { ...payslip, maxAgeDays } } })).toEqual({
        ok: false,
        problems: [
          { field: 'catalogue.kinds.payslip.maxAgeDays', message: 'must be a whole number of days from 1 to 1100' },
        ],
      });
    }
  });

  it('lists every problem, naming the field, never the value', () => {
    const result = catalogueFromConfiguration(
      JSON.parse(
        JSON.stringify({
          kinds: {
            'personal-credit-report': payslip,
            'Bad Kind<script>': payslip,
            good: 'x',
            'ok-kind': {
              dataCategory: 'Not A Category',
              extra: 1,
              fields: {
                a: { type: 'integer', min: 5, max: 1 },
                b: { type: 'enum', values: [] },
                c: { type: 'float' },
                d: { type: 'money', required: 'yes' },
                'bad name': { type: 'date' },
              },
            },
          },
          colour: 'red',
        }),
      ),
    );
    expect(result).toEqual({
      ok: false,
      problems: expect.arrayContaining([
        { field: 'catalogue.colour', message: 'is not a property of this configuration' },
        { field: 'catalogue.kinds.personal-credit-report', message: 'is a standard kind and cannot be redefined' },
        {
          field: 'catalogue.kinds.(unnamed)',
          message: 'a kind is named by lowercase words joined by hyphens, 3 to 48 characters',
        },
        { field: 'catalogue.kinds.good', message: 'must be an object' },
        { field: 'catalogue.kinds.ok-kind.extra', message: 'is not a property of this configuration' },
        {
          field: 'catalogue.kinds.ok-kind.dataCategory',
          message: 'must be lowercase words joined by hyphens, 3 to 48 characters',
        },
        { field: 'catalogue.kinds.ok-kind.fields.a.max', message: 'must not be less than min' },
        { field: 'catalogue.kinds.ok-kind.fields.b.values', message: 'must be a list of 1 to 32 codes' },
        { field: 'catalogue.kinds.ok-kind.fields.c.type', message: 'must be one of integer, enum, money, date, month' },
        { field: 'catalogue.kinds.ok-kind.fields.d.required', message: 'must be true or false' },
        {
          field: 'catalogue.kinds.ok-kind.fields.(unnamed)',
          message: 'a field is named in camelCase, 1 to 32 letters and digits',
        },
      ]),
    });
    expect(JSON.stringify(result)).not.toContain('script');
    expect(JSON.stringify(result)).not.toContain('Not A Category');
  });

  it('refuses reserved keys at every level', () => {
    const result = catalogueFromConfiguration(
      JSON.parse(
        '{"kinds":{"__proto__":{},"payslip":{"dataCategory":"income-proof","fields":{"constructor":{"type":"date"}}}},"__proto__":1}',
      ),
    );
    expect(result).toEqual({
      ok: false,
      problems: expect.arrayContaining([
        { field: 'catalogue.__proto__', message: 'this key is not allowed' },
        { field: 'catalogue.kinds.__proto__', message: 'this key is not allowed' },
        { field: 'catalogue.kinds.payslip.fields.constructor', message: 'this key is not allowed' },
      ]),
    });
  });

  it.each([null, [], 'kinds', 42, { kinds: null }, { kinds: [] }])('refuses %j', (json) => {
    expect(catalogueFromConfiguration(json).ok).toBe(false);
  });

  it('never throws, and fails or succeeds with a catalogue', () => {
    fc.assert(
      fc.property(fc.anything(), fc.dictionary(fc.string(), fc.anything()), (json, kinds) => {
        expect(typeof catalogueFromConfiguration(json).ok).toBe('boolean');
        expect(typeof catalogueFromConfiguration({ kinds }).ok).toBe('boolean');
      }),
    );
  });
});
