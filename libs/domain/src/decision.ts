/**
 * The decision's shapes: the fields a report carries into it, what a reviewer recommends, and the
 * credit decision the policy (credit-policy.ts) derives from both.
 */
import { type Money } from './money.js';

export interface DecisionFields {
  score: number;
  scoreBand: 'A' | 'B' | 'C' | 'D' | 'E';
  delinquencyFlags: string[];
}

export type ReviewOutcome =
  | { kind: 'approve'; recommendedLimit: Money; notes?: string }
  | { kind: 'decline'; reasonCodes: string[]; notes?: string }
  | { kind: 'request-new-report'; notes?: string }
  /** A document-set application (credit-policy-v2): one document back to awaiting, the others kept. */
  | { kind: 'request-new-version'; documentKey: string; reason: string; notes?: string };

export interface ReviewDecision {
  reviewer: string;
  outcome: ReviewOutcome;
  at: string;
}

export type CreditDecision =
  | { outcome: 'APPROVED'; limit: Money; offerExpiresAt: string; policyVersion: string }
  | { outcome: 'DECLINED'; reasonCodes: string[]; policyVersion: string };
