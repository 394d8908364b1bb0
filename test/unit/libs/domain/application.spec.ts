import { applicationInputProblem, DEFAULT_POLICY, receivedState, type ApplicationInput } from '#domain';
import { setPolicyFor } from '#test-support/loan-parties';

function input(overrides: Record<string, unknown> = {}): ApplicationInput {
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
    policy: { ...DEFAULT_POLICY },
    ...overrides,
  };
}

describe('applicationInputProblem: the applicant type', () => {
  it.each(['person', 'company'])('accepts %s', (applicantType) => {
    expect(applicationInputProblem(input({ applicantType }))).toBeUndefined();
  });

  it('refuses input that does not state it (a client other than the API started it)', () => {
    const { applicantType: _type, ...without } = input();
    expect(applicationInputProblem(without as ApplicationInput)).toBe('applicantType: must be one of person, company');
  });

  it.each([
    ['another case', 'Person'],
    ['capitals', 'COMPANY'],
    ['padding', 'person '],
    ['a synonym', 'individual'],
    ['markup', '<b>company</b>'],
    ['a number', 1],
    ['null', null],
    ['a list', ['person']],
  ])('refuses %s, naming the allowed values and never the value', (_what, applicantType) => {
    const problem = applicationInputProblem(input({ applicantType }));
    expect(problem).toBe('applicantType: must be one of person, company');
  });

  it('is the first problem named: a bad type and a bad amount report the type', () => {
    const problem = applicationInputProblem(
      input({ applicantType: 'sme', requestedLimit: { amount: '1.234', currency: 'HKD' } }),
    );
    expect(problem).toBe('applicantType: must be one of person, company');
  });
});

describe('applicationInputProblem: the credit policy', () => {
  const company = setPolicyFor('company', 'southbound');

  it.each([
    ['person', 'southbound'],
    ['person', 'northbound'],
    ['company', 'southbound'],
    ['company', 'northbound'],
  ] as const)(
    'accepts credit-policy-v2 for a %s %s: the workflow collects its document set',
    (applicantType, direction) => {
      expect(
        applicationInputProblem(input({ policy: setPolicyFor(applicantType, direction), applicantType, direction })),
      ).toBeUndefined();
    },
  );

  it('refuses credit-policy-v2 without its documents, naming the field', () => {
    const problem = applicationInputProblem(input({ policy: { ...DEFAULT_POLICY, version: 'credit-policy-v2' } }));
    expect(problem).toBe(
      'product: no document requirement is configured for this product, applicant type and direction',
    );
  });

  // A host may start a workflow itself: the documents in its policy are checked as configuration is.
  it.each([
    ['no kinds', { slots: company.documents!.slots }, 'policy.documents: must name the slots and the kinds'],
    [
      'a slot whose kind the rules do not carry',
      { ...company.documents!, kinds: { 'bank-statement': company.documents!.kinds['bank-statement'] } },
      'policy.documents.slots.0.kind: is not one of the kinds the rules carry',
    ],
    [
      'a standard kind redefined',
      {
        ...company.documents!,
        kinds: { ...company.documents!.kinds, 'bank-statement': { dataCategory: 'bank-statement', fields: {} } },
      },
      'policy.documents.kinds: redefines a standard kind',
    ],
    [
      'a month count out of range',
      {
        ...company.documents!,
        slots: company.documents!.slots.map((s) => (s.count ? { ...s, count: { months: 1000 } } : s)),
      },
      'policy.documents.slots.1.count.months: must be an integer from 1 to 24',
    ],
    [
      "a principal owner on a person's documents",
      company.documents!,
      "policy.documents.slots.2.subject: a person's requirement has no principal owner",
    ],
  ])('refuses documents with %s', (_, documents, expected) => {
    const applicantType = expected.includes("person's") ? 'person' : 'company';
    const problem = applicationInputProblem(input({ applicantType, policy: { ...company, documents } }));
    expect(problem).toMatch(new RegExp(`^${expected.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));
  });

  it.each(['constructor', 'toString', 'credit-policy-v3'])('refuses %s, which is no policy', (version) => {
    const problem = applicationInputProblem(input({ policy: { ...DEFAULT_POLICY, version } }));
    expect(problem).toBe(`policy.version: unknown credit policy ${version}`);
  });
});

describe('receivedState', () => {
  it('keeps the applicant type and leaves the pseudonymous reference out', () => {
    const state = receivedState('loan/bank-a/A-1', input({ applicantType: 'company' }));
    expect(state.input.applicantType).toBe('company');
    expect(JSON.stringify(state)).not.toContain('pseudonym-1');
  });
});
