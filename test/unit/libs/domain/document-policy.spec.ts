import fc from 'fast-check';
import {
  catalogueOfRules,
  DEFAULT_DOCUMENT_CATALOGUE,
  DEFAULT_DOCUMENT_CONFIGURATION,
  DEFAULT_DOCUMENT_REQUIREMENTS,
  documentConfigurationFrom,
  documentRulesFor,
  documentRulesProblems,
} from '#domain';
import { TRADE_FINANCE_DOCUMENTS } from '#test-support/trade-finance-documents';

const configured = TRADE_FINANCE_DOCUMENTS;

describe('documentConfigurationFrom', () => {
  it('is the defaults when the file names neither catalogue nor requirements', () => {
    expect(documentConfigurationFrom({})).toEqual({ ok: true, configuration: DEFAULT_DOCUMENT_CONFIGURATION });
  });

  it('adds configured kinds to the standard ones and takes the configured requirements', () => {
    const parsed = documentConfigurationFrom(configured);
    if (!parsed.ok) throw new Error(JSON.stringify(parsed.problems));
    expect(Object.keys(parsed.configuration.catalogue.kinds)).toEqual([
      ...Object.keys(DEFAULT_DOCUMENT_CATALOGUE.kinds),
      'tax-clearance',
    ]);
    expect(parsed.configuration.requirements).toHaveLength(DEFAULT_DOCUMENT_REQUIREMENTS.length + 1);
  });

  it('names every problem: an unknown key, a requirement naming a kind no catalogue has', () => {
    const parsed = documentConfigurationFrom({
      kinds: {},
      requirements: [
        { ...configured.requirements.at(-1), slots: [{ slot: 'tax', kind: 'tax-clearance', subject: 'applicant' }] },
      ],
    });
    expect(parsed).toEqual({
      ok: false,
      problems: [
        { field: 'documents.kinds', message: 'is not a property of this configuration' },
        { field: 'requirements.0.slots.0.kind', message: 'is not a document kind of the catalogue' },
      ],
    });
  });

  // What a careless operator writes: each is a problem at start-up, never a silently different rule.
  const company = { product: 'trade-finance', applicantType: 'company', direction: 'southbound' };
  const statements = (months: number, extra: object = {}) => ({
    slot: 'bank-statement',
    kind: 'bank-statement',
    subject: 'applicant',
    count: { months },
    ...extra,
  });
  it.each([
    ['requirements: null', { requirements: null }, 'requirements', 'must be a list of requirements'],
    [
      'a product no application can name',
      { requirements: [{ ...company, product: 'Trade-Finance', slots: [statements(6)] }] },
      'requirements.0.product',
      'must be a product as applications name it (1-40 characters of a-z 0-9 -), or * for any product',
    ],
    [
      'a typo in a slot',
      { requirements: [{ ...company, slots: [{ ...statements(6), count: undefined, cout: { months: 6 } }] }] },
      'requirements.0.slots.0.cout',
      'is not a property of this configuration',
    ],
    [
      'a property a requirement does not have',
      { requirements: [{ ...company, slots: [statements(6)], note: 'x' }] },
      'requirements.0.note',
      'is not a property of this configuration',
    ],
    [
      'more months than the kind may be old',
      { requirements: [{ ...company, slots: [statements(12)] }] },
      'requirements.0.slots.0.count.months',
      'a kind counted by months must state maxAgeDays of at least 31 days a month',
    ],
    [
      'a monthly kind with no age limit',
      {
        catalogue: { kinds: { payslip: { dataCategory: 'income-proof', fields: { month: { type: 'month' } } } } },
        requirements: [{ ...company, slots: [{ ...statements(3), slot: 'payslip', kind: 'payslip' }] }],
      },
      'requirements.0.slots.0.count.months',
      'a kind counted by months must state maxAgeDays of at least 31 days a month',
    ],
    [
      'more documents than a consent can name',
      {
        requirements: [
          {
            ...company,
            slots: Array.from({ length: 65 }, (_, i) => ({
              slot: `report-${i}`,
              kind: 'personal-credit-report',
              subject: 'principal-owner',
            })),
          },
        ],
      },
      'requirements.0.slots',
      'must name at most 64 documents',
    ],
  ])('refuses %s, naming the field', (_, json, field, message) => {
    const parsed = documentConfigurationFrom(JSON.parse(JSON.stringify(json)));
    expect(parsed.ok).toBe(false);
    expect(parsed.ok ? [] : parsed.problems).toContainEqual({ field, message });
  });

  it('never throws, whatever JSON it is given', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (json) => {
        const parsed = documentConfigurationFrom(json);
        expect(parsed.ok || parsed.problems.length > 0).toBe(true);
      }),
    );
  });
});

describe('documentRulesFor', () => {
  it("carries the requirement's slots and only the catalogue entries of the kinds they name", () => {
    const parsed = documentConfigurationFrom(configured);
    if (!parsed.ok) throw new Error('expected a configuration');
    const found = documentRulesFor(parsed.configuration, {
      product: 'trade-finance',
      applicantType: 'company',
      direction: 'southbound',
    });
    if (!found.ok) throw new Error(found.problem.message);
    expect(found.rules.slots.map((s) => s.kind)).toEqual(['corporate-credit-report', 'tax-clearance']);
    expect(Object.keys(found.rules.kinds)).toEqual(['corporate-credit-report', 'tax-clearance']);
    expect(catalogueOfRules(found.rules).kinds['tax-clearance']?.maxAgeDays).toBe(90);
    // Rules as the workflow gets them pass the workflow's own check.
    expect(documentRulesProblems(found.rules, { applicantType: 'company', direction: 'southbound' })).toEqual([]);
  });

  it('refuses a person for a product whose requirements name only companies', () => {
    const parsed = documentConfigurationFrom(configured);
    if (!parsed.ok) throw new Error('expected a configuration');
    expect(
      documentRulesFor(parsed.configuration, {
        product: 'trade-finance',
        applicantType: 'person',
        direction: 'southbound',
      }),
    ).toMatchObject({ ok: false, problem: { field: 'applicantType' } });
  });
});
