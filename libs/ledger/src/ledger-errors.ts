/**
 * Ledger failures, split by what the caller should do about them. Activities let Temporal retry
 * LedgerUnavailableError; the others need a person (configuration) or are final (a revert).
 */
import { Interface, isError } from 'ethers';
import { CREDIT_REPORT_REGISTRY_ABI } from './abi/credit-report-registry.abi.js';
import { EVIDENCE_REGISTRY_ABI } from './abi/evidence-registry.abi.js';

/** Every custom error our contracts can raise (both share the membership errors). */
const CONTRACT_ERRORS = new Interface([
  ...new Set([...CREDIT_REPORT_REGISTRY_ABI, ...EVIDENCE_REGISTRY_ABI].filter((f) => f.startsWith('error '))),
]);

/**
 * The custom error in a CALL_EXCEPTION. ethers decodes it on static calls but not when a
 * transaction's gas estimation reverts, which leaves only the raw revert data.
 */
export function decodeRevert(error: unknown): { name: string; args: unknown[] } | undefined {
  if (!isError(error, 'CALL_EXCEPTION')) return undefined;
  if (error.revert) return { name: error.revert.name, args: Array.from(error.revert.args as unknown[]) };
  const parsed = error.data ? CONTRACT_ERRORS.parseError(error.data) : null;
  return parsed ? { name: parsed.name, args: Array.from(parsed.args as unknown[]) } : undefined;
}

/** The node cannot be reached, answers too late, or lost a race (nonce); retrying can succeed. */
export class LedgerUnavailableError extends Error {
  constructor(
    readonly rpcUrl: string,
    cause: unknown,
  ) {
    super(`ledger node at ${rpcUrl} is unavailable: ${describe(cause)}`, { cause });
    this.name = 'LedgerUnavailableError';
  }
}

/** The node answers but is not the ledger lendbridge was configured for. */
export class LedgerMismatchError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'LedgerMismatchError';
  }
}

/** An anchor exists but is not yet buried under the required confirmations; retrying will pass. */
export class LedgerNotConfirmedError extends Error {
  constructor(
    readonly confirmations: number,
    readonly required: number,
  ) {
    super(`anchor has ${confirmations} of ${required} required confirmations`);
    this.name = 'LedgerNotConfirmedError';
  }
}

/** A contract refused the call with a custom error (e.g. AlreadyRevoked); final, not retried. */
export class LedgerRevertError extends Error {
  constructor(
    readonly errorName: string,
    readonly errorArgs: readonly unknown[],
    readonly hint: string,
  ) {
    super(`${errorName}(${errorArgs.map(String).join(', ')}): ${hint}`);
    this.name = 'LedgerRevertError';
  }
}

/** A signing operation was asked of a client configured without a signer. */
export class LedgerSignerMissingError extends Error {
  constructor() {
    super('no ledger signer configured: set LEDGER_SIGNER_KEY or LEDGER_KEYSTORE_FILE');
    this.name = 'LedgerSignerMissingError';
  }
}

const REVERT_HINTS: Record<string, string> = {
  AccessControlUnauthorizedAccount: 'the signer lacks the role this needs (not an issuer, recorder or admin)',
  AnchoredByAnotherIssuer: 'another issuer anchored this hash already',
  AlreadyRevoked: 'it was revoked already',
  NotAnchored: 'nothing is anchored under this hash',
  NotAnchoringIssuer: 'only the issuer that anchored it, or an admin, may revoke it',
  ExpiryNotInFuture: 'the expiry must lie in the future',
  InvalidArgument: 'a zero hash, an empty batch or a zero reason code',
  AlreadyMember: 'the account is a member already',
  NotMember: 'the account is not a member',
  InvalidMemberInfo: 'the name must be 1-64 bytes and the jurisdiction two capital letters',
  MemberMetadataRequired: 'members are added with addMember',
  EvidenceConflict: 'this evidence hash is recorded with other details',
  InvalidEvidence: 'a zero hash, a zero application reference or an unknown kind',
  ZeroAddress: 'the zero address is not allowed',
};

/** Turns whatever ethers threw into one of the errors above. */
export function toLedgerError(error: unknown, rpcUrl: string): Error {
  if (error instanceof LedgerRevertError || error instanceof LedgerUnavailableError) return error;
  const revert = decodeRevert(error);
  if (revert) {
    return new LedgerRevertError(
      revert.name,
      revert.args,
      REVERT_HINTS[revert.name] ?? 'the contract refused the call',
    );
  }
  return new LedgerUnavailableError(rpcUrl, error);
}

function describe(cause: unknown): string {
  if (isError(cause, 'UNKNOWN_ERROR') || isError(cause, 'SERVER_ERROR') || isError(cause, 'TIMEOUT')) {
    return cause.shortMessage;
  }
  return cause instanceof Error ? cause.message : String(cause);
}
