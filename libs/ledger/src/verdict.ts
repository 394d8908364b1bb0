/**
 * From what the registry's view returned to a verdict, under a verification policy and the document
 * kind the caller expects. Pure, so every rule is unit-tested without a node; the client only
 * gathers the inputs.
 */
import { STANDARD_DOCUMENT_KINDS, Verdict, type VerificationPolicy } from '#domain';
import { documentKindId } from '#hashing';
import { LedgerInputError } from './ledger-errors.js';

/** The registry's on-chain status (ICreditReportRegistry.Status). */
export const AnchorStatus = { Unknown: 0, Valid: 1, Revoked: 2, Expired: 3 } as const;

export interface RegistryView {
  status: number;
  issuer: string;
  issuerActive: boolean;
  anchoredAt: number;
  expiresAt: number;
  /** The kind id (bytes10 hex) the report or batch was anchored as. */
  kind: string;
  /** Whether the issuer is granted that kind now. */
  issuerTrustedForKind: boolean;
}

/** The kind a verification expects: its name, and its id as documentKindId gives it. */
export interface ExpectedKind {
  name: string;
  id: string;
}

export interface VerdictOutcome {
  verdict: Verdict;
  /** Why, in words a reviewer can act on; set for the verdicts about a document's kind. */
  detail?: string;
}

const STANDARD_KIND_NAMES = new Map(STANDARD_DOCUMENT_KINDS.map((name) => [documentKindId(name), name]));

/** The name of a kind id when it is a standard kind; else the id itself. */
export function documentKindName(id: string): string {
  return STANDARD_KIND_NAMES.get(id.toLowerCase()) ?? id.toLowerCase();
}

/** A kind name and its ledger id; a name that is not a kind name is bad input (LedgerInputError). */
export function expectedKind(name: string): ExpectedKind {
  try {
    return { name, id: documentKindId(name) };
  } catch (error) {
    throw new LedgerInputError(error instanceof Error ? error.message : String(error));
  }
}

/**
 * Untrusted issuers are judged before revocation and expiry: what an untrusted party says about
 * its own anchor means nothing, so the verdict is about the issuer. An issuer is trusted for this
 * document only when it is a member, the policy trusts it, the document was anchored as the
 * expected kind, and the registry trusts the issuer for that kind now.
 */
export function decideVerdict(
  view: RegistryView,
  policy: VerificationPolicy,
  nowSeconds: number,
  expected: ExpectedKind,
): VerdictOutcome {
  if (view.status === AnchorStatus.Unknown) return { verdict: Verdict.NOT_ANCHORED };
  const { trustedIssuers } = policy;
  const trusted =
    view.issuerActive &&
    (trustedIssuers === 'any-member' ||
      trustedIssuers.some((issuer) => issuer.toLowerCase() === view.issuer.toLowerCase()));
  if (!trusted) return { verdict: Verdict.UNTRUSTED_ISSUER };
  if (view.kind.toLowerCase() !== expected.id.toLowerCase()) {
    return {
      verdict: Verdict.UNTRUSTED_ISSUER,
      detail: `anchored by ${view.issuer} as ${documentKindName(view.kind)}, not as the expected ${expected.name}`,
    };
  }
  if (!view.issuerTrustedForKind) {
    return {
      verdict: Verdict.UNTRUSTED_ISSUER,
      detail: `${view.issuer} is no longer trusted for ${expected.name} on the ledger (the kind was withdrawn)`,
    };
  }
  if (view.status === AnchorStatus.Revoked) return { verdict: Verdict.REVOKED };
  if (view.status === AnchorStatus.Expired || nowSeconds >= view.expiresAt) return { verdict: Verdict.EXPIRED };
  if (nowSeconds - view.anchoredAt > policy.maxReportAgeSeconds) return { verdict: Verdict.EXPIRED };
  return { verdict: Verdict.VERIFIED };
}
