/**
 * Which policy (deadlines, four-eyes threshold, trusted issuers, credit policy version, documents)
 * governs a new application. A provider, so a host application can bind its own per tenant and
 * product; the loan system never chooses it, since it would choose the lenient one.
 */
import {
  DEFAULT_POLICY,
  documentRulesFor,
  documentSetPolicy,
  StandardDocumentKind,
  type ApplicantType,
  type ApplicationPolicy,
  type Direction,
  type DocumentConfiguration,
  type DocumentRules,
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
 * or the defaults), the same for every tenant. The requirement that applies (the product's own,
 * else the any-product one; none: refused) names the documents:
 * - a person whose requirement is one personal credit report is decided on it (credit-policy-v1,
 *   the defaults' case);
 * - any other requirement, and every company, on the set it names (credit-policy-v2).
 */
export function standalonePolicySource(documents: DocumentConfiguration): ApplicationPolicySource {
  return {
    policyFor: (application) => {
      const found = documentRulesFor(documents, application);
      if (!found.ok) return { refused: found.problem };
      return application.applicantType === 'person' && isOneCreditReport(found.rules)
        ? DEFAULT_POLICY
        : documentSetPolicy(found.rules);
    },
  };
}

/** Rules naming one personal credit report of the applicant's own: what credit-policy-v1 decides on. */
function isOneCreditReport(rules: DocumentRules): boolean {
  const [slot, ...others] = rules.slots;
  return (
    others.length === 0 &&
    slot?.kind === StandardDocumentKind.PERSONAL_CREDIT_REPORT &&
    slot.subject === 'applicant' &&
    slot.count === undefined
  );
}
