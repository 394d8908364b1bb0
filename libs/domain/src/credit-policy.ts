/**
 * The credit decision: a pure, versioned function of the requested limit, the report's decision
 * fields and the reviewers' recommendations. Pure so the workflow can run it deterministically and
 * it can be tested exhaustively; versioned so a decision can be reproduced by the rules of its day.
 */
import { CREDIT_POLICY_V2, creditPolicyV2, type CreditPolicyV2Input } from './credit-policy-v2.js';
import { type CreditDecision, type DecisionFields, type ReviewDecision } from './decision.js';
import { type DocumentSet } from './document-set.js';
import { fromMinorUnits, toMinorUnits, type Money } from './money.js';

export interface CreditPolicyInput {
  requested: Money;
  /** The one report's fields (v1). */
  fields?: DecisionFields;
  /** The application's document set (v2; see document-set.ts). */
  documents?: DocumentSet;
  /** The consent at the decision (v2 reads no document outside it). */
  consent?: CreditPolicyV2Input['consent'];
  /** v2's knobs (per tenant and product); its defaults when absent. */
  knobs?: CreditPolicyV2Input['knobs'];
  /** The approving reviews; their recommended limits cap the line. */
  approvals: readonly ReviewDecision[];
  /** ISO time the decision is taken (workflow time), for the offer's expiry. */
  decidedAt: string;
}

export const DeclineReason = {
  SCORE_BAND: 'SCORE_BAND_BELOW_POLICY',
  DELINQUENCY: 'DELINQUENCY_ON_RECORD',
  CURRENCY: 'RECOMMENDATION_CURRENCY_MISMATCH',
  /** Verified once, the report no longer verified when the decision was taken (revoked, expired, aged). */
  REPORT_NO_LONGER_VALID: 'REPORT_NO_LONGER_VALID',
  /** v1 was asked to decide without a report's fields. */
  REPORT_MISSING: 'REPORT_MISSING',
} as const;

/** Share of the requested limit each score band may receive, in percent; bands not listed decline. */
const BAND_SHARE_V1: Partial<Record<DecisionFields['scoreBand'], bigint>> = { A: 100n, B: 75n, C: 50n };
const OFFER_VALIDITY_DAYS_V1 = 30;

function creditPolicyV1(input: CreditPolicyInput): CreditDecision {
  const policyVersion = 'credit-policy-v1';
  if (!input.fields) return { outcome: 'DECLINED', reasonCodes: [DeclineReason.REPORT_MISSING], policyVersion };
  const reasons: string[] = [];
  const band = input.fields.scoreBand;
  const share = Object.hasOwn(BAND_SHARE_V1, band) ? BAND_SHARE_V1[band] : undefined;
  if (share === undefined) reasons.push(DeclineReason.SCORE_BAND);
  if (input.fields.delinquencyFlags.length > 0) reasons.push(DeclineReason.DELINQUENCY);
  const recommendations = input.approvals.flatMap((a) =>
    a.outcome.kind === 'approve' ? [a.outcome.recommendedLimit] : [],
  );
  if (recommendations.some((m) => m.currency !== input.requested.currency)) reasons.push(DeclineReason.CURRENCY);
  if (reasons.length > 0 || share === undefined) return { outcome: 'DECLINED', reasonCodes: reasons, policyVersion };

  const currency = input.requested.currency;
  const caps = [(toMinorUnits(input.requested) * share) / 100n, ...recommendations.map(toMinorUnits)];
  const limit = caps.reduce((low, cap) => (cap < low ? cap : low));
  const expires = new Date(Date.parse(input.decidedAt) + OFFER_VALIDITY_DAYS_V1 * 86_400_000).toISOString();
  return { outcome: 'APPROVED', limit: fromMinorUnits(limit, currency), offerExpiresAt: expires, policyVersion };
}

export const CREDIT_POLICIES: Record<string, (input: CreditPolicyInput) => CreditDecision> = {
  'credit-policy-v1': creditPolicyV1,
  [CREDIT_POLICY_V2]: creditPolicyV2,
};

export function decideCreditLine(version: string, input: CreditPolicyInput): CreditDecision {
  // Own keys only: a version named like an Object member ("constructor") is no policy.
  const policy = Object.hasOwn(CREDIT_POLICIES, version) ? CREDIT_POLICIES[version] : undefined;
  if (!policy) throw new Error(`unknown credit policy version ${version}`);
  return policy(input);
}
