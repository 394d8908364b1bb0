/**
 * The applicant type as the API takes it: required at creation, one of person or company exactly
 * (no other case, no synonyms, no other JSON type), refused with the field and the allowed values,
 * never the value sent; the list's filter is the same enum, and the visibility query quotes only
 * what was validated.
 */
import { quoted } from '#api/applications/application-workflows';
import { CreateApplicationDto, ListApplicationsQuery } from '#api/applications/application.dto';
import { type ProblemException } from '#api/problem/problem';
import { validateDto } from '#api/problem/validate-dto';

const create = (applicantType?: unknown): Record<string, unknown> => ({
  applicationId: 'APP-1',
  loanSystemReference: 'LOS-1',
  product: 'sme-credit-line',
  requestedLimit: { amount: '120000.00', currency: 'HKD' },
  applicantReference: 'pseudonym-0001',
  ...(applicantType !== undefined && { applicantType }),
  direction: 'southbound',
  reviewJurisdiction: 'HK',
});

const refusal = async (type: new () => object, plain: Record<string, unknown>): Promise<ProblemException> =>
  validateDto(type, plain).then(
    () => {
      throw new Error('expected a refusal');
    },
    (error: unknown) => error as ProblemException,
  );

const REFUSED = { field: 'applicantType', message: 'applicantType must be one of person, company' };

describe('CreateApplicationDto: applicantType', () => {
  it.each(['person', 'company'])('takes %s', async (applicantType) => {
    await expect(validateDto(CreateApplicationDto, create(applicantType))).resolves.toMatchObject({ applicantType });
  });

  it('refuses an application that does not state it, naming the field and the allowed values', async () => {
    const refused = await refusal(CreateApplicationDto, create());
    expect(refused.getStatus()).toBe(400);
    expect(refused.errors).toEqual([REFUSED]);
  });

  it.each([
    ['another case', 'Person'],
    ['capitals', 'COMPANY'],
    ['padding', ' person'],
    ['a trailing newline', 'company\n'],
    ['a synonym', 'individual'],
    ['both', 'person,company'],
    ['empty', ''],
    ['markup', '<script>alert(1)</script>'],
    ['a query fragment', "person' OR Tenant = 'bank-b"],
    ['a number', 1],
    ['a boolean', true],
    ['null', null],
    ['a list', ['person']],
    ['an object', { type: 'person' }],
  ])('refuses %s, never echoing the value', async (_what, applicantType) => {
    const refused = await refusal(CreateApplicationDto, create(applicantType));
    expect(refused.getStatus()).toBe(400);
    expect(refused.errors).toEqual([REFUSED]);
    // Fixed text, whatever was sent: nothing of the value can be in it.
    expect(refused.detail).toBe(`applicantType: ${REFUSED.message}`);
  });
});

describe('ListApplicationsQuery: applicantType', () => {
  it('is optional, and takes person or company', async () => {
    await expect(validateDto(ListApplicationsQuery, {})).resolves.toBeDefined();
    await expect(validateDto(ListApplicationsQuery, { applicantType: 'company' })).resolves.toMatchObject({
      applicantType: 'company',
    });
  });

  it.each(['Company', 'people', "company' OR 1=1", 'company) OR (Tenant = bank-b', ''])(
    'refuses %j before anything reaches visibility',
    async (applicantType) => {
      const refused = await refusal(ListApplicationsQuery, { applicantType });
      expect(refused.getStatus()).toBe(400);
      expect(refused.errors).toEqual([REFUSED]);
    },
  );

  it('refuses the filter given twice (a list)', async () => {
    const refused = await refusal(ListApplicationsQuery, { applicantType: ['person', 'company'] });
    expect(refused.errors).toEqual([REFUSED]);
  });
});

describe('quoted: the second fence of the visibility query', () => {
  it('quotes an applicant type, and refuses to quote anything that could leave its quotes', () => {
    expect(quoted('company')).toBe("'company'");
    expect(() => quoted("company' OR Tenant = 'bank-b")).toThrow();
    expect(() => quoted('company)')).toThrow();
  });
});
