import { isPolicyRefusal, standalonePolicySource } from '#api/applications/application-policy';
import {
  DEFAULT_DOCUMENT_CONFIGURATION,
  DEFAULT_DOCUMENT_REQUIREMENTS,
  DEFAULT_POLICY,
  type DocumentConfiguration,
} from '#domain';

const withOwnProduct: DocumentConfiguration = {
  ...DEFAULT_DOCUMENT_CONFIGURATION,
  requirements: [
    ...DEFAULT_DOCUMENT_REQUIREMENTS,
    {
      product: 'owner-loan',
      applicantType: 'person',
      direction: 'southbound',
      slots: [
        { slot: 'credit-report', kind: 'personal-credit-report', subject: 'applicant' },
        { slot: 'bank-statement', kind: 'bank-statement', subject: 'applicant', count: { months: 3 } },
      ],
    },
  ],
};
const source = standalonePolicySource(withOwnProduct);
const policyFor = (product: string, applicantType: 'person' | 'company', direction: 'northbound' | 'southbound') =>
  source.policyFor({ tenant: 'bank-a', product, applicantType, direction });

describe('standalonePolicySource', () => {
  it('decides a person on one credit report for a product without requirements of its own', () => {
    expect(policyFor('personal-loan', 'person', 'southbound')).toBe(DEFAULT_POLICY);
  });

  it("decides a company on its set, the requirement's documents in the policy", () => {
    const policy = policyFor('sme-credit-line', 'company', 'southbound');
    if (isPolicyRefusal(policy)) throw new Error(policy.refused.message);
    expect(policy.version).toBe('credit-policy-v2');
    expect(policy.documents?.slots.map((s) => s.slot)).toEqual([
      'company-credit-report',
      'bank-statement',
      'owner-credit-report',
    ]);
  });

  it('decides a person on the set of a product that names one for persons, and refuses what it does not name', () => {
    const policy = policyFor('owner-loan', 'person', 'southbound');
    if (isPolicyRefusal(policy)) throw new Error(policy.refused.message);
    expect(policy.documents?.slots.map((s) => s.slot)).toEqual(['credit-report', 'bank-statement']);
    expect(Object.keys(policy.documents?.kinds ?? {})).toEqual(['personal-credit-report', 'bank-statement']);
    // owner-loan names persons southbound only: a company, or a person northbound, is no application of it.
    expect(policyFor('owner-loan', 'company', 'southbound')).toEqual({
      refused: { field: 'applicantType', message: 'this product takes no application of this applicant type' },
    });
    expect(policyFor('owner-loan', 'person', 'northbound')).toEqual({
      refused: {
        field: 'direction',
        message: 'this product takes no application of this applicant type in this direction',
      },
    });
  });
});

describe('standalonePolicySource: configured requirements replace the defaults for persons too', () => {
  const personsOnSets: DocumentConfiguration = {
    ...DEFAULT_DOCUMENT_CONFIGURATION,
    requirements: [
      ...DEFAULT_DOCUMENT_REQUIREMENTS.filter((r) => r.applicantType === 'company'),
      {
        product: '*',
        applicantType: 'person',
        direction: 'southbound',
        slots: [
          { slot: 'credit-report', kind: 'personal-credit-report', subject: 'applicant' },
          { slot: 'payslip', kind: 'bank-statement', subject: 'applicant', count: { months: 3 } },
        ],
      },
    ],
  };
  const policyOf = (direction: 'northbound' | 'southbound') =>
    standalonePolicySource(personsOnSets).policyFor({
      tenant: 'bank-a',
      product: 'personal-loan',
      applicantType: 'person',
      direction,
    });

  it('decides a person on the any-product set when it is more than one credit report', () => {
    const policy = policyOf('southbound');
    if (isPolicyRefusal(policy)) throw new Error(policy.refused.message);
    expect(policy.version).toBe('credit-policy-v2');
  });

  it('refuses a person in a direction no requirement names', () => {
    expect(policyOf('northbound')).toMatchObject({ refused: { field: 'product' } });
  });
});
