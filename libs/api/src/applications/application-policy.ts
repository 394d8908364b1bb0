/**
 * Which policy (deadlines, four-eyes threshold, trusted issuers, credit policy version) governs a
 * new application. A provider, so a host application can bind its own per tenant and product;
 * the loan system never chooses it, since it would choose the lenient one.
 */
import {
  DEFAULT_POLICY,
  DOCUMENT_SET_POLICY,
  type ApplicantType,
  type ApplicationPolicy,
  type Direction,
} from '#domain';

export const APPLICATION_POLICY = Symbol('ApplicationPolicySource');

export interface ApplicationPolicySource {
  policyFor(application: {
    tenant: string;
    product: string;
    direction: Direction;
    applicantType: ApplicantType;
  }): ApplicationPolicy;
}

/**
 * The standalone API's choice, the same for every tenant and product: a company's application is
 * decided on its set of documents (credit-policy-v2: corporate report, statements, the owner's
 * report); a person's on one credit report (credit-policy-v1). A host binds its own source to put
 * persons' products on document sets too.
 */
export const defaultPolicySource: ApplicationPolicySource = {
  policyFor: ({ applicantType }) => (applicantType === 'company' ? DOCUMENT_SET_POLICY : DEFAULT_POLICY),
};
