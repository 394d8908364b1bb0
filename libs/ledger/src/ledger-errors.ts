/**
 * Ledger failures, split by what the caller should do about them:
 * - retry by itself: LedgerUnavailableError (node trouble), LedgerNotConfirmedError (too shallow),
 *   LedgerNonceConflictError (another sender took the nonce);
 * - retry once an operator acted: LedgerOperatorActionError (fund the signer, authorise it);
 * - final, no retry can cure it: the names in FINAL_LEDGER_ERRORS (final-ledger-errors.ts).
 */
import { id, Interface, isError, ZeroHash } from 'ethers';
import { isBytes32AnyCase, isHex32 } from '#domain/hex';
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

/** The node cannot be reached, answers too late or fails; retrying can succeed. */
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

/**
 * Another sender using the same key took the nonce this writer chose, and kept doing so for every
 * attempt the writer made (it checks the chain and sends again a bounded number of times). Retrying
 * later can succeed; giving each process its own key avoids it.
 */
export class LedgerNonceConflictError extends Error {
  constructor(
    readonly signer: string,
    readonly attempts: number,
    cause: unknown,
  ) {
    super(
      `another sender using the key of ${signer} took this transaction's nonce on each of ${attempts} attempts ` +
        '(the chain was checked before each one): the node is reachable; try again, or give each process its own key',
      { cause },
    );
    this.name = 'LedgerNonceConflictError';
  }
}

/** What an operator must do before a write can succeed. */
export const OperatorAction = {
  /** The signing account cannot pay for gas. */
  INSUFFICIENT_FUNDS: 'insufficient-funds',
  /**
   * The signing account lacks the role or the key authorisation the call needs, or records evidence
   * for another lender than LEDGER_EVIDENCE_MEMBER names.
   */
  SIGNER_NOT_AUTHORISED: 'signer-not-authorised',
} as const;
export type OperatorAction = (typeof OperatorAction)[keyof typeof OperatorAction];

/**
 * The ledger refused a write for a reason an operator can fix without changing the request: the
 * signer has no ether, or is not (or no longer) a member or an accepted key, or is the key of another
 * lender than the configured one. Retryable: the same write succeeds once the operator has acted, so
 * an application waits instead of failing.
 */
export class LedgerOperatorActionError extends Error {
  constructor(
    readonly reason: OperatorAction,
    message: string,
    cause?: unknown,
  ) {
    super(message, { cause });
    this.name = 'LedgerOperatorActionError';
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
  AlreadyRevoked: 'it was revoked already, with the reason code shown',
  NotAnchored: 'this issuer has anchored nothing under this hash or root',
  NotInBatch: 'the proof does not lead from this report to the batch root',
  ExpiryNotInFuture: 'the expiry must lie in the future',
  InvalidArgument: 'a zero hash, an empty batch or a zero reason code',
  AlreadyMember: 'the account is a member already',
  NotMember: 'the account is not a member',
  InvalidMemberInfo: 'the name must be 1-64 bytes and the jurisdiction two capital letters',
  MemberMetadataRequired: 'members are added with addMember',
  EvidenceConflict: "this evidence hash is in the member's records with other details",
  InvalidEvidence: 'a zero hash, a zero application reference or an unknown kind',
  KeyInUse: 'the key is a member itself or records for another member already',
  KeyNotAuthorized: 'the key does not record for the signer',
  KeyNotProposed: 'the member has not proposed this key (or withdrew the proposal)',
  ZeroAddress: 'the zero address is not allowed',
  AnchoredAsOtherKind: 'the issuer anchored this hash or root already, as the other document kind shown',
  TooManyKinds: 'the issuer holds the most document kinds an issuer may hold (16)',
};

/** Roles by their keccak256 id, to name them in operator messages. */
const ROLE_NAMES: Record<string, string> = {
  [id('ISSUER_ROLE')]: 'ISSUER_ROLE (an issuer: npm run admin -- add-issuer)',
  [id('RECORDER_ROLE')]: 'RECORDER_ROLE (a lender: npm run admin -- add-recorder)',
  [ZeroHash]: 'DEFAULT_ADMIN_ROLE (the consortium admin)',
};

/** A revert an operator can cure: the signer's missing role or key authorisation. */
function operatorActionFor(revert: { name: string; args: unknown[] }): LedgerOperatorActionError | undefined {
  if (revert.name === 'AccessControlUnauthorizedAccount') {
    const [account, role] = revert.args.map(String);
    const roleName = ROLE_NAMES[role ?? ''] ?? `role ${role}`;
    return new LedgerOperatorActionError(
      OperatorAction.SIGNER_NOT_AUTHORISED,
      `the signing account ${account} lacks ${roleName}; ask the consortium admin to grant it, ` +
        'or configure the right key (the write is retried)',
    );
  }
  if (revert.name === 'KindNotTrusted') {
    const [account, kind] = revert.args.map(String);
    return new LedgerOperatorActionError(
      OperatorAction.SIGNER_NOT_AUTHORISED,
      `the signing account ${account} is not trusted for document kind ${kind}; ask the consortium admin to ` +
        `grant it (npm run admin -- grant-kind ${account} <kind name>), or configure the right key (the write is retried)`,
    );
  }
  if (revert.name === 'UnauthorizedRecorder') {
    const [account] = revert.args.map(String);
    return new LedgerOperatorActionError(
      OperatorAction.SIGNER_NOT_AUTHORISED,
      `the signing account ${account} records for no current member: have the lender's recorder member run ` +
        `npm run admin -- propose-key ${account}, then accept with this key (npm run admin -- accept-key ` +
        `<lender address>, signed by ${account}), or add the lender with add-recorder; the write is retried`,
    );
  }
  return undefined;
}

/**
 * ethers error codes that say the request itself is wrong, so sending it again cannot help. Every
 * other failure (network, timeout, server error, a dropped transaction) is treated as the node being
 * unavailable and retried: when unsure, retrying is the safe side, because the writer checks the
 * chain before it sends again.
 */
const FINAL_CODES = new Set(['INVALID_ARGUMENT', 'MISSING_ARGUMENT', 'UNEXPECTED_ARGUMENT', 'NUMERIC_FAULT']);

/**
 * ethers codes for a transaction that lost its nonce to another one from the same account: the node
 * already holds (or mined) a transaction with that nonce. The writer checks the chain and sends again.
 */
const NONCE_CODES = new Set(['NONCE_EXPIRED', 'REPLACEMENT_UNDERPRICED']);

/**
 * What nodes answer, in words ethers does not map to a code, when the very same signed transaction
 * is in their pool already: two processes with one key signed identical transactions (same nonce,
 * same call). geth says "already known", anvil "transaction already imported".
 */
const SAME_TRANSACTION_KNOWN = /already (known|imported)/i;

/** Whether ethers' error says the transaction's nonce was taken by another one. */
export function isNonceConflict(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code === 'string' && NONCE_CODES.has(code)) return true;
  if (isError(error, 'UNKNOWN_ERROR') && SAME_TRANSACTION_KNOWN.test(JSON.stringify(error.error ?? ''))) return true;
  // A pending transaction of ours replaced by another sender's (not merely repriced by ourselves).
  return isError(error, 'TRANSACTION_REPLACED') && error.reason !== 'repriced';
}

/** The errors toLedgerError produces; passed through unchanged when thrown again. */
const LEDGER_ERRORS = [
  LedgerRevertError,
  LedgerUnavailableError,
  LedgerInputError,
  LedgerMismatchError,
  LedgerOperatorActionError,
  LedgerNonceConflictError,
  LedgerNotConfirmedError,
  LedgerSignerMissingError,
];

/**
 * Turns whatever ethers threw into one of the errors above. `signer`, when known, names the account
 * an operator has to fund.
 */
export function toLedgerError(error: unknown, rpcUrl: string, signer?: string): Error {
  if (LEDGER_ERRORS.some((type) => error instanceof type)) return error as Error;
  const revert = decodeRevert(error);
  if (revert) {
    return (
      operatorActionFor(revert) ??
      new LedgerRevertError(revert.name, revert.args, REVERT_HINTS[revert.name] ?? 'the contract refused the call')
    );
  }
  const code = (error as { code?: unknown } | null)?.code;
  if (code === 'INSUFFICIENT_FUNDS') {
    return new LedgerOperatorActionError(
      OperatorAction.INSUFFICIENT_FUNDS,
      `the signing account${signer ? ` ${signer}` : ''} has too little ether to pay for gas: fund it ` +
        '(the write is retried)',
      error,
    );
  }
  if (typeof code === 'string' && FINAL_CODES.has(code)) {
    const shortMessage = (error as { shortMessage?: string }).shortMessage;
    return new LedgerInputError(shortMessage ?? code);
  }
  return new LedgerUnavailableError(rpcUrl, error);
}

/** A report hash (64 lowercase hex) as bytes32; anything else is the caller's mistake. */
export function reportHashToBytes32(reportHash: string): string {
  if (!isHex32(reportHash)) {
    throw new LedgerInputError('a report hash must be 64 lowercase hexadecimal characters');
  }
  return `0x${reportHash}`;
}

/** A bytes32 value (0x + 64 hex), e.g. a Merkle root; anything else is the caller's mistake. */
export function checkBytes32(value: string, what: string): string {
  if (!isBytes32AnyCase(value)) throw new LedgerInputError(`${what} must be 0x followed by 64 hex digits`);
  return value.toLowerCase();
}

/**
 * An EVM address (0x + 40 hex, any case: a checksum is not insisted on); anything else is the
 * caller's mistake. Returned lowercase, which ABI encoding takes as it is: no checksum to compute
 * on the verification path.
 */
export function checkAddress(value: string, what: string): string {
  if (!/^0x[0-9a-fA-F]{40}$/.test(value)) {
    throw new LedgerInputError(`${what} must be an address: 0x followed by 40 hex digits`);
  }
  return value.toLowerCase();
}

function describe(cause: unknown): string {
  if (isError(cause, 'UNKNOWN_ERROR') || isError(cause, 'SERVER_ERROR') || isError(cause, 'TIMEOUT')) {
    return cause.shortMessage;
  }
  return cause instanceof Error ? cause.message : String(cause);
}
