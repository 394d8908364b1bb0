import fc from 'fast-check';
import {
  catalogueOfRules,
  DEFAULT_DOCUMENT_CATALOGUE,
  DEFAULT_DOCUMENT_CONFIGURATION,
  DEFAULT_DOCUMENT_REQUIREMENTS,
  documentConfigurationFrom,
  documentRulesFor,
  documentRulesProblems,
  hasRequirementsOfItsOwn,
} from '#domain';

/** A deployment's own kind and a product that takes companies only, on it. */
const configured = {
  catalogue: {
    kinds: {
      'tax-clearance': {
        dataCategory: 'tax-record',
        maxAgeDays: 90,
        fields: { status: { type: 'enum', values: ['clear', 'arrears'] } },
      },
    },
  },
  requirements: [
    ...DEFAULT_DOCUMENT_REQUIREMENTS,
    {
      product: 'trade-finance',
      applicantType: 'company',
      direction: 'southbound',
      slots: [
        { slot: 'company-credit-report', kind: 'corporate-credit-report', subject: 'applicant' },
        { slot: 'tax-clearance', kind: 'tax-clearance', subject: 'applicant' },
      ],
    },
  ],
};

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
    expect(hasRequirementsOfItsOwn(parsed.configuration, 'trade-finance')).toBe(true);
    expect(hasRequirementsOfItsOwn(parsed.configuration, 'sme-credit-line')).toBe(false);
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
        { field: 'documents', message: 'has only catalogue and requirements' },
        { field: 'requirements.0.slots.0.kind', message: 'is not a document kind of the catalogue' },
      ],
    });
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
