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

/** The caller passed something the ledger cannot take (a malformed hash, an out-of-range time); final. */
export class LedgerInputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'LedgerInputError';
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
  NotInBatch: 'the proof does not lead from this report to the batch root',
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

/**
 * ethers error codes that say the request itself is wrong, so sending it again cannot help. Every
 * other failure (network, timeout, server error, a lost nonce race, a dropped transaction) is
 * treated as the node being unavailable and retried: when unsure, retrying is the safe side,
 * because the writer checks the chain before it sends again.
 */
const FINAL_CODES = new Set([
  'INVALID_ARGUMENT',
  'MISSING_ARGUMENT',
  'UNEXPECTED_ARGUMENT',
  'NUMERIC_FAULT',
  'INSUFFICIENT_FUNDS',
]);

/** Turns whatever ethers threw into one of the errors above. */
export function toLedgerError(error: unknown, rpcUrl: string): Error {
  if (
    error instanceof LedgerRevertError ||
    error instanceof LedgerUnavailableError ||
    error instanceof LedgerInputError ||
    error instanceof LedgerMismatchError
  ) {
    return error;
  }
  const revert = decodeRevert(error);
  if (revert) {
    return new LedgerRevertError(
      revert.name,
      revert.args,
      REVERT_HINTS[revert.name] ?? 'the contract refused the call',
    );
  }
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code === 'string' && FINAL_CODES.has(code)) {
    const shortMessage = (error as { shortMessage?: string }).shortMessage;
    return new LedgerInputError(
      code === 'INSUFFICIENT_FUNDS' ? 'the signer has too little ether to pay for gas' : (shortMessage ?? code),
    );
  }
  return new LedgerUnavailableError(rpcUrl, error);
}

/** A report hash (64 lowercase hex) as bytes32; anything else is the caller's mistake. */
export function reportHashToBytes32(reportHash: string): string {
  if (!/^[0-9a-f]{64}$/.test(reportHash)) {
    throw new LedgerInputError('a report hash must be 64 lowercase hexadecimal characters');
  }
  return `0x${reportHash}`;
}

/** A bytes32 value (0x + 64 hex), e.g. a Merkle root; anything else is the caller's mistake. */
export function checkBytes32(value: string, what: string): string {
  if (!/^0x[0-9a-fA-F]{64}$/.test(value)) throw new LedgerInputError(`${what} must be 0x followed by 64 hex digits`);
  return value.toLowerCase();
}

function describe(cause: unknown): string {
  if (isError(cause, 'UNKNOWN_ERROR') || isError(cause, 'SERVER_ERROR') || isError(cause, 'TIMEOUT')) {
    return cause.shortMessage;
  }
  return cause instanceof Error ? cause.message : String(cause);
}
