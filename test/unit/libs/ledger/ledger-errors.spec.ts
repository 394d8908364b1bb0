import { id, Interface, makeError, ZeroHash } from 'ethers';
import {
  CREDIT_REPORT_REGISTRY_ABI,
  EVIDENCE_REGISTRY_ABI,
  FINAL_LEDGER_ERRORS,
  isNonceConflict,
  LedgerInputError,
  LedgerMismatchError,
  LedgerNonceConflictError,
  LedgerOperatorActionError,
  LedgerRevertError,
  LedgerSignerMissingError,
  LedgerUnavailableError,
  OperatorAction,
  toLedgerError,
} from '#ledger';

const RPC = 'http://127.0.0.1:8545';
const SIGNER = '0x70997970C51812dc3A010C7d01b50e0d17dc79C8';

/** A CALL_EXCEPTION as ethers throws it when gas estimation reverts: raw revert data only. */
function revertWith(abi: readonly string[], name: string, args: unknown[]): Error {
  const data = new Interface(abi).encodeErrorResult(name, args);
  return makeError('execution reverted', 'CALL_EXCEPTION', {
    action: 'estimateGas',
    data,
    reason: null,
    transaction: { to: null, data: '0x' },
    invocation: null,
    revert: null,
  });
}

describe('toLedgerError', () => {
  it('asks an operator to fund a signer without ether, as a retryable error naming the account', () => {
    const error = toLedgerError(
      makeError('insufficient funds', 'INSUFFICIENT_FUNDS', { transaction: {} }),
      RPC,
      SIGNER,
    );
    expect(error).toBeInstanceOf(LedgerOperatorActionError);
    expect((error as LedgerOperatorActionError).reason).toBe(OperatorAction.INSUFFICIENT_FUNDS);
    expect(error.message).toContain(`${SIGNER} has too little ether to pay for gas: fund it`);
  });

  it('asks an operator to grant a missing role, naming the role and the command', () => {
    const error = toLedgerError(
      revertWith(CREDIT_REPORT_REGISTRY_ABI, 'AccessControlUnauthorizedAccount', [SIGNER, id('ISSUER_ROLE')]),
      RPC,
    );
    expect(error).toBeInstanceOf(LedgerOperatorActionError);
    expect((error as LedgerOperatorActionError).reason).toBe(OperatorAction.SIGNER_NOT_AUTHORISED);
    expect(error.message).toContain(`${SIGNER} lacks ISSUER_ROLE`);
    const notAdmin = toLedgerError(
      revertWith(CREDIT_REPORT_REGISTRY_ABI, 'AccessControlUnauthorizedAccount', [SIGNER, ZeroHash]),
      RPC,
    );
    expect(notAdmin.message).toContain('DEFAULT_ADMIN_ROLE');
  });

  it('asks the lender to propose, and the key to accept, a key that records for no member', () => {
    const error = toLedgerError(revertWith(EVIDENCE_REGISTRY_ABI, 'UnauthorizedRecorder', [SIGNER]), RPC);
    expect((error as LedgerOperatorActionError).reason).toBe(OperatorAction.SIGNER_NOT_AUTHORISED);
    expect(error.message).toContain(`npm run admin -- propose-key ${SIGNER}`);
    expect(error.message).toContain(`npm run admin -- accept-key <lender address>, signed by ${SIGNER}`);
  });

  it("keeps a contract's refusal of the request itself final, decoded with its arguments", () => {
    const error = toLedgerError(
      revertWith(CREDIT_REPORT_REGISTRY_ABI, 'AlreadyRevoked', [SIGNER, ZeroHash, 3]),
      RPC,
    ) as LedgerRevertError;
    expect(error).toBeInstanceOf(LedgerRevertError);
    expect([error.errorName, error.errorArgs]).toEqual(['AlreadyRevoked', [SIGNER, ZeroHash, 3n]]);
  });

  it('keeps malformed arguments final and everything unknown retryable', () => {
    expect(toLedgerError(makeError('bad', 'INVALID_ARGUMENT', { argument: 'x', value: 1 }), RPC)).toBeInstanceOf(
      LedgerInputError,
    );
    expect(toLedgerError(new Error('socket hang up'), RPC)).toBeInstanceOf(LedgerUnavailableError);
  });
});

describe('isNonceConflict', () => {
  it('recognises a nonce taken by another transaction, and nothing else', () => {
    expect(isNonceConflict(makeError('nonce has already been used', 'NONCE_EXPIRED', { transaction: {} }))).toBe(true);
    expect(isNonceConflict(makeError('replacement fee too low', 'REPLACEMENT_UNDERPRICED', { transaction: {} }))).toBe(
      true,
    );
    const sameTransaction = makeError('could not coalesce error', 'UNKNOWN_ERROR', {
      error: { code: -32003, message: 'transaction already imported' },
    });
    expect(isNonceConflict(sameTransaction)).toBe(true);
    expect(isNonceConflict(makeError('timeout', 'TIMEOUT', { operation: 'x', reason: 'timeout' }))).toBe(false);
  });
});

describe('FINAL_LEDGER_ERRORS', () => {
  it('names exactly the errors no retry can cure', () => {
    const final = [
      new LedgerMismatchError('x'),
      new LedgerRevertError('X', [], 'x'),
      new LedgerInputError('x'),
      new LedgerSignerMissingError(),
    ];
    expect([...FINAL_LEDGER_ERRORS].sort()).toEqual(final.map((e) => e.name).sort());
    const retryable = [
      new LedgerUnavailableError(RPC, 'x'),
      new LedgerOperatorActionError(OperatorAction.INSUFFICIENT_FUNDS, 'x'),
      new LedgerNonceConflictError(SIGNER, 8, 'x'),
    ];
    for (const error of retryable) expect(FINAL_LEDGER_ERRORS).not.toContain(error.name);
  });
});
