/**
 * The ledger errors no retry can cure, by name: a workflow (which may not import ethers) retries
 * every ledger error except these. Everything else the ledger library throws is retryable: node
 * trouble, a shallow anchor, a lost nonce race, and conditions an operator fixes without changing
 * the request (LedgerOperatorActionError: an unfunded or unauthorised signer).
 */
export const FINAL_LEDGER_ERRORS = [
  /** The node serves another chain, or no registry is deployed where configured. */
  'LedgerMismatchError',
  /** A contract refused the request itself (e.g. AlreadyRevoked, EvidenceConflict, NotAnchored). */
  'LedgerRevertError',
  /** The request is malformed (a hash that is not 64 hex, an expiry past 2106). */
  'LedgerInputError',
  /** The process was started without a signing key. */
  'LedgerSignerMissingError',
] as const;
export type FinalLedgerError = (typeof FINAL_LEDGER_ERRORS)[number];
