/**
 * How a document-set application (credit-policy-v2) uses the pure domain of document sets: its set
 * from the rules in its policy, its per-document consent, and the rules the workflow's validators
 * apply to a consent and to one document's submission. Pure and deterministic (workflow-safe);
 * every time comes in from the caller.
 */
import { LoanStage, type ApplicationInput, type ApplicationState } from './application.js';
import { REQUIRED_PURPOSE } from './consent-terms.js';
import { CREDIT_POLICY_V2 } from './credit-policy-v2.js';
import { parseDocumentConsentGrant, type DocumentConsentGrant } from './document-consent.js';
import { catalogueOfRules } from './document-policy.js';
import { ANY_PRODUCT, resolveRequirement } from './document-requirements.js';
import {
  createDocumentSet,
  submitDocument,
  type DocumentSetContext,
  type DocumentSetCreation,
  type DocumentSubmission,
} from './document-set.js';
import { type InputProblem } from './field-names.js';
import { type Refusal } from './review-rules.js';

/** Whether the application collects a document set (credit-policy-v2) rather than one report (v1). */
export function usesDocumentSet(input: Pick<ApplicationInput, 'policy'>): boolean {
  return input.policy.version === CREDIT_POLICY_V2;
}

/**
 * The empty document set of an application created at `createdAt` (ISO; the workflow's start
 * time): the slots its policy names (policy.documents, fixed when it started).
 */
export function applicationDocumentSet(input: ApplicationInput, createdAt: string): DocumentSetCreation {
  const rules = input.policy.documents;
  if (!rules)
    return { ok: false, problem: { field: 'policy.documents', message: 'a document-set policy names its documents' } };
  const { applicantType, direction } = input;
  const resolved = resolveRequirement(
    { product: ANY_PRODUCT, applicantType, direction, slots: rules.slots },
    createdAt,
  );
  return resolved.ok ? { ok: true, set: createDocumentSet(resolved.documents) } : resolved;
}

/** What the document set's transitions check against at `at` (ISO, workflow time). */
export function documentSetContext(state: ApplicationState, at: string): DocumentSetContext {
  return {
    at,
    direction: state.input.direction,
    consent: state.documentConsent?.grant,
    catalogue: catalogueOfRules(state.input.policy.documents),
  };
}

/** The end of validity of whichever consent was given (ms), or undefined before any consent. */
export function consentValidUntilMs(state: ApplicationState): number | undefined {
  const grant = state.consent?.grant ?? state.documentConsent?.grant;
  return grant ? Date.parse(grant.validUntil) : undefined;
}

/** Problems as one refusal message: `field: message; field: message`. */
export function problemsMessage(problems: readonly InputProblem[]): string {
  return problems.map((p) => `${p.field}: ${p.message}`).join('; ');
}

const conflict = (message: string): Refusal => ({ kind: 'conflict', message });
const invalid = (message: string): Refusal => ({ kind: 'invalid', message });

/**
 * A per-document consent is recorded only while the application awaits consent, well formed
 * (parseDocumentConsentGrant), naming the purpose lendbridge processes, the application's
 * direction, issuers the policy trusts, and a validity that has not ended. Answers the parsed grant
 * (issuers lowercased) when accepted.
 */
export function documentConsentRefusal(
  state: ApplicationState,
  consent: unknown,
  now: Date,
): { refusal: Refusal; grant?: DocumentConsentGrant } {
  if (state.stage !== LoanStage.AWAITING_CONSENT) {
    return {
      refusal: state.documentConsent
        ? conflict('consent was granted already')
        : conflict(`the application is ${state.stage}, not ${LoanStage.AWAITING_CONSENT}`),
    };
  }
  const { input } = state;
  const parsed = parseDocumentConsentGrant(consent, catalogueOfRules(input.policy.documents));
  if (!parsed.ok) return { refusal: invalid(problemsMessage(parsed.problems)) };
  const { grant } = parsed;
  if (grant.direction !== input.direction)
    return { refusal: invalid(`consent.direction: the application is ${input.direction}`) };
  if (!grant.purposes.includes(REQUIRED_PURPOSE))
    return { refusal: invalid(`consent.purposes: must include ${REQUIRED_PURPOSE}`) };
  if (!(Date.parse(grant.validUntil) > now.getTime()))
    return { refusal: invalid('consent.validUntil: must lie in the future') };
  // Captured no later than now (a minute's clock difference forgiven), as a report's consent.
  if (!(Date.parse(grant.capturedAt) <= now.getTime() + 60_000))
    return { refusal: invalid('consent.capturedAt: must not lie in the future') };
  const trusted = input.policy.trustedIssuers;
  if (trusted !== 'any-member') {
    const trustedLower = trusted.map((issuer) => issuer.toLowerCase());
    for (const [path, scopes] of [
      ['documents', grant.documents],
      ['kinds', grant.kinds],
    ] as const) {
      for (const [name, scope] of Object.entries(scopes ?? {})) {
        if (scope.issuers.some((issuer) => !trustedLower.includes(issuer)))
          return {
            refusal: invalid(
              `consent.${path}.${name}.issuers: names an issuer policy ${input.policy.version} does not trust`,
            ),
          };
      }
    }
  }
  return { refusal: undefined, grant };
}

/**
 * One document's version is taken while the application awaits its documents, and in review only
 * for a document a reviewer asked a new version of; then by the document set's own rules
 * (submitDocument: required key, well-formed hash, issuer and fields, within the consent, …).
 */
export function documentSubmissionRefusal(state: ApplicationState, submission: DocumentSubmission, now: Date): Refusal {
  const set = state.documents;
  if (!set) return conflict('this application collects one credit report, not a document set');
  if (state.stage !== LoanStage.AWAITING_REPORT && state.stage !== LoanStage.IN_REVIEW)
    return conflict(`the application is ${state.stage}, not ${LoanStage.AWAITING_REPORT}`);
  if (state.stage === LoanStage.IN_REVIEW) {
    const key = typeof submission === 'object' && submission !== null ? submission.documentKey : undefined;
    const entry = set.documents.find((d) => d.key === key);
    if (!entry?.newVersionRequested)
      return conflict('in review, only a document a reviewer asked a new version of is taken');
  }
  const change = submitDocument(set, submission, documentSetContext(state, now.toISOString()));
  return change.ok ? undefined : invalid(problemsMessage(change.problems));
}
