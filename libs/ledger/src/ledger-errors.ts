/**
 * Ledger failures, split by what the caller should do about them. Activities let Temporal retry
 * the first kind; the second needs an operator and is raised as non-retryable.
 */

/** Thrown when the node cannot be reached or does not answer in time; retrying can succeed. */
export class LedgerUnavailableError extends Error {
  constructor(
    readonly rpcUrl: string,
    cause: unknown,
  ) {
    super(`ledger node at ${rpcUrl} is unavailable: ${cause instanceof Error ? cause.message : String(cause)}`, {
      cause,
    });
    this.name = 'LedgerUnavailableError';
  }
}

/** Thrown when the node answers but is not the ledger lendbridge was configured for. */
export class LedgerMismatchError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'LedgerMismatchError';
  }
}
