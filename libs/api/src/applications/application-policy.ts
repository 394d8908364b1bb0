/**
 * Which policy (deadlines, four-eyes threshold, trusted issuers, credit policy version, documents)
 * governs a new application. A provider, so a host application can bind its own per tenant and
 * product; the loan system never chooses it, since it would choose the lenient one.
 */
import {
  DEFAULT_POLICY,
  documentRulesFor,
  documentSetPolicy,
  hasRequirementsOfItsOwn,
  type ApplicantType,
  type ApplicationPolicy,
  type Direction,
  type DocumentConfiguration,
  type InputProblem,
} from '#domain';

export const APPLICATION_POLICY = Symbol('ApplicationPolicySource');

/** A combination the deployment does not take: answered 422 with the problem at creation. */
export interface PolicyRefusal {
  refused: InputProblem;
}

export interface ApplicationPolicySource {
  policyFor(application: {
    tenant: string;
    product: string;
    direction: Direction;
    applicantType: ApplicantType;
  }): ApplicationPolicy | PolicyRefusal;
}

export function isPolicyRefusal(policy: ApplicationPolicy | PolicyRefusal): policy is PolicyRefusal {
  return 'refused' in policy;
}

/**
 * The standalone API's choice, from the deployment's document configuration (DOCUMENT_POLICY_FILE
 * or the defaults), the same for every tenant:
 * - a company is decided on its set of documents (credit-policy-v2), as its product's requirement
 *   for companies in that direction names them;
 * - a person on one credit report (credit-policy-v1), unless the product has requirements of its
 *   own: then on the set they name for persons, and a product that names none takes no persons.
 */
export function standalonePolicySource(documents: DocumentConfiguration): ApplicationPolicySource {
  return {
    policyFor: (application) => {
      if (application.applicantType === 'person' && !hasRequirementsOfItsOwn(documents, application.product))
        return DEFAULT_POLICY;
      const found = documentRulesFor(documents, application);
      return found.ok ? documentSetPolicy(found.rules) : { refused: found.problem };
    },
  };
}
