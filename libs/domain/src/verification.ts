/**
 * What verifying a credit report on the ledger can conclude. A verdict is a result, not an error:
 * only an unreachable or misbehaving node is an error (and is retried).
 */
export const Verdict = {
  VERIFIED: 'VERIFIED',
  NOT_ANCHORED: 'NOT_ANCHORED',
  REVOKED: 'REVOKED',
  EXPIRED: 'EXPIRED',
  UNTRUSTED_ISSUER: 'UNTRUSTED_ISSUER',
} as const;
export type Verdict = (typeof Verdict)[keyof typeof Verdict];

/** The policy a verification is judged by; per tenant and product. */
export interface VerificationPolicy {
  /**
   * Issuer addresses trusted for this application's direction, or 'any-member' to trust every
   * current member of the registry. Explicit, so a direction left unconfigured trusts nobody.
   */
  trustedIssuers: readonly string[] | 'any-member';
  /** A report anchored longer ago than this is treated as expired, whatever its own expiry. */
  maxReportAgeSeconds: number;
}

/** Proof of what the ledger said, kept with the application so reviewers and auditors can check it. */
export interface VerificationReceipt {
  verdict: Verdict;
  /** Which condition decided a verdict other than VERIFIED, in words a reviewer can act on. */
  detail?: string;
  reportHash: string;
  /** The document kind the verification expected (a kind name, e.g. personal-credit-report). */
  documentKind?: string;
  chainId: string;
  contract: string;
  /** Block the view call was answered at. */
  checkedAtBlock: number;
  /** Present when the hash (or its batch root) is anchored. */
  anchor?: {
    issuer: string;
    issuerName: string;
    issuerJurisdiction: string;
    issuerActive: boolean;
    /** The kind the document was anchored as: its name for a standard kind, else its ledger id. */
    documentKind?: string;
    blockNumber: number;
    blockHash: string;
    anchoredAt: string;
    expiresAt: string;
    revocationReason?: number;
    /** Set when the report was anchored in a Merkle batch. */
    batchRoot?: string;
  };
}
