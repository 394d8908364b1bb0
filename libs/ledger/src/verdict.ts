/**
 * From what the registry's view returned to a verdict, under a verification policy. Pure, so every
 * rule is unit-tested without a node; the client only gathers the inputs.
 */
import { Verdict, type VerificationPolicy } from '#domain';

/** The registry's on-chain status (ICreditReportRegistry.Status). */
export const AnchorStatus = { Unknown: 0, Valid: 1, Revoked: 2, Expired: 3 } as const;

export interface RegistryView {
  status: number;
  issuer: string;
  issuerActive: boolean;
  anchoredAt: number;
  expiresAt: number;
}

/**
 * Untrusted issuers are judged before revocation and expiry: what an untrusted party says about
 * its own anchor means nothing, so the verdict is about the issuer.
 */
export function decideVerdict(view: RegistryView, policy: VerificationPolicy, nowSeconds: number): Verdict {
  if (view.status === AnchorStatus.Unknown) return Verdict.NOT_ANCHORED;
  const { trustedIssuers } = policy;
  const trusted =
    view.issuerActive &&
    (trustedIssuers === 'any-member' ||
      trustedIssuers.some((issuer) => issuer.toLowerCase() === view.issuer.toLowerCase()));
  if (!trusted) return Verdict.UNTRUSTED_ISSUER;
  if (view.status === AnchorStatus.Revoked) return Verdict.REVOKED;
  if (view.status === AnchorStatus.Expired || nowSeconds >= view.expiresAt) return Verdict.EXPIRED;
  if (nowSeconds - view.anchoredAt > policy.maxReportAgeSeconds) return Verdict.EXPIRED;
  return Verdict.VERIFIED;
}
