/**
 * Which policy (deadlines, four-eyes threshold, trusted issuers, credit policy version) governs a
 * new application. A provider, so a host application can bind its own per tenant and product;
 * the loan system never chooses it, since it would choose the lenient one.
 */
import { DEFAULT_POLICY, type ApplicationPolicy, type Direction } from '#domain';

export const APPLICATION_POLICY = Symbol('ApplicationPolicySource');

export interface ApplicationPolicySource {
  policyFor(application: { tenant: string; product: string; direction: Direction }): ApplicationPolicy;
}

/** The standalone API's choice: the same default policy for every tenant and product. */
export const defaultPolicySource: ApplicationPolicySource = {
  policyFor: () => DEFAULT_POLICY,
};
