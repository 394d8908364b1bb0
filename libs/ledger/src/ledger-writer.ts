/**
 * Sends the ledger's transactions: anchoring reports and batches, revocations, evidence, members.
 * Built so that a retried or crashed-and-restarted caller never fails and never writes twice:
 * - before every write the chain is asked whether the write is already done; if so nothing is
 *   sent and the outcome says so;
 * - the contracts treat a repeat of an anchor or evidence record as a no-op, so a duplicate that
 *   slips through (a crash after sending, before the receipt) still succeeds;
 * - sends from one writer are serialized until the node has accepted each transaction, and every
 *   nonce is read fresh from the node ('pending'), never from a local counter that a failed send
 *   would leave wrong (ethers' NonceManager increments before sending and never rolls back).
 * Writers in several processes sharing one key can still race for a nonce; the loser gets a
 * retryable LedgerUnavailableError. Give each worker replica its own key.
 */
import { type Contract, type Wallet } from 'ethers';
import { type LedgerConfig } from '../../config/src/index.js';
import { type EvidenceKind, type LedgerClient, type MemberRole } from './ledger-client.js';
import {
  checkBytes32,
  LedgerInputError,
  LedgerRevertError,
  LedgerUnavailableError,
  reportHashToBytes32,
} from './ledger-errors.js';

export interface SentTransaction {
  transactionHash: string;
  blockNumber: number;
  gasUsed: bigint;
}

/** Either a transaction was mined, or the chain already held the result and nothing was sent. */
export type WriteOutcome = { outcome: 'sent'; transaction: SentTransaction } | { outcome: 'already-recorded' };

export type LedgerWriterSettings = Pick<LedgerConfig, 'gasPricing' | 'txTimeoutMs' | 'confirmations'>;

const ALREADY: WriteOutcome = { outcome: 'already-recorded' };

export class LedgerWriter {
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly client: LedgerClient,
    private readonly signer: Wallet,
    private readonly settings: LedgerWriterSettings,
  ) {}

  get address(): string {
    return this.signer.address;
  }

  /** Anchors one report hash (64 hex) until `expiresAt`. */
  async anchorReport(reportHash: string, expiresAt: Date): Promise<WriteOutcome> {
    const key = reportHashToBytes32(reportHash);
    const existing = await this.client.anchorOf(reportHash);
    if (existing && this.isMe(existing.issuer)) {
      // The contract would accept this silently; a revoked report must not look freshly anchored.
      if (existing.revocationReason !== 0)
        throw new LedgerRevertError('AlreadyRevoked', [key], 'it was revoked already');
      return ALREADY;
    }
    return await this.send(this.client.registry, 'anchor', [key, toSeconds(expiresAt)]);
  }

  /** Anchors a Merkle root (bytes32 hex) of `leafCount` report hashes until `expiresAt`. */
  async anchorBatch(merkleRoot: string, expiresAt: Date, leafCount: number): Promise<WriteOutcome> {
    const root = checkBytes32(merkleRoot, 'the batch root');
    const existing = await this.client.anchorOf(root);
    if (existing?.isBatch && this.isMe(existing.issuer)) return ALREADY;
    return await this.send(this.client.registry, 'anchorBatch', [root, toSeconds(expiresAt), leafCount]);
  }

  /** Revokes a report hash (64 hex) or a batch root (bytes32 hex) with a reason code (1-65535). */
  async revoke(hashOrRoot: string, reasonCode: number): Promise<WriteOutcome> {
    const key = hashOrRoot.startsWith('0x')
      ? checkBytes32(hashOrRoot, 'the hash or root')
      : reportHashToBytes32(hashOrRoot);
    const existing = await this.client.anchorOf(key);
    if (existing && existing.revocationReason !== 0) return ALREADY;
    return await this.send(this.client.registry, 'revoke', [key, reasonCode]);
  }

  /** Revokes one report (64 hex) of a batch, given its proof; the batch's other reports stay valid. */
  async revokeInBatch(
    reportHash: string,
    proof: readonly string[],
    merkleRoot: string,
    reasonCode: number,
  ): Promise<WriteOutcome> {
    const args = [
      reportHashToBytes32(reportHash),
      proof.map((p) => checkBytes32(p, 'each proof element')),
      checkBytes32(merkleRoot, 'the batch root'),
    ];
    const status = await this.client.guard(
      () => this.client.registry.getFunction('verifyInBatch').staticCall(...args) as Promise<unknown[]>,
    );
    if (Number(status[0]) === 2) return ALREADY; // Status.Revoked: this report, or its whole batch
    return await this.send(this.client.registry, 'revokeInBatch', [...args, reasonCode]);
  }

  /** Records a salted evidence hash (64 hex) for an application reference hash (64 hex). */
  async recordEvidence(evidenceHash: string, applicationRef: string, kind: EvidenceKind): Promise<WriteOutcome> {
    const [hashKey, refKey] = [reportHashToBytes32(evidenceHash), reportHashToBytes32(applicationRef)];
    const existing = await this.client.evidenceOf(evidenceHash);
    if (existing && this.isMe(existing.recorder) && existing.applicationRef === refKey && existing.kind === kind) {
      return ALREADY;
    }
    return await this.send(this.client.evidence, 'record', [hashKey, refKey, kind]);
  }

  /** Adds an issuer (registry) or recorder (evidence registry); the signer must be that contract's admin. */
  async addMember(of: MemberRole, account: string, displayName: string, jurisdiction: string): Promise<WriteOutcome> {
    if (!/^[A-Z]{2}$/.test(jurisdiction)) throw new LedgerInputError('a jurisdiction is two capital letters, e.g. HK');
    const current = await this.client.memberDetails(account, of);
    if (current.active && current.displayName === displayName && current.jurisdiction === jurisdiction) return ALREADY;
    const code = `0x${Buffer.from(jurisdiction, 'latin1').toString('hex')}`;
    return await this.send(this.client.memberContract(of), 'addMember', [account, displayName, code]);
  }

  async removeMember(of: MemberRole, account: string): Promise<WriteOutcome> {
    if (!(await this.client.memberDetails(account, of)).active) return ALREADY;
    return await this.send(this.client.memberContract(of), 'removeMember', [account]);
  }

  private isMe(address: string): boolean {
    return address.toLowerCase() === this.address.toLowerCase();
  }

  /** Broadcasts under the queue (so nonces are taken one at a time), then waits for the receipt outside it. */
  private async send(contract: Contract, method: string, args: unknown[]): Promise<WriteOutcome> {
    const broadcast = this.queue.then(() => this.broadcast(contract, method, args));
    this.queue = broadcast.catch(() => undefined); // one failed send must not block the ones after it
    const response = await broadcast;
    const receipt = await this.client.guard(() =>
      response.wait(this.settings.confirmations + 1, this.settings.txTimeoutMs),
    );
    if (!receipt) throw new LedgerUnavailableError(this.client.settings.rpcUrl, `no receipt for ${response.hash}`);
    return {
      outcome: 'sent',
      transaction: { transactionHash: receipt.hash, blockNumber: receipt.blockNumber, gasUsed: receipt.gasUsed },
    };
  }

  private async broadcast(contract: Contract, method: string, args: unknown[]) {
    const provider = this.client.provider;
    return await this.client.guard(async () => {
      const fn = contract.connect(this.signer).getFunction(method);
      // Estimating first turns a revert into a decoded custom error before any gas is spent.
      const gasLimit = await fn.estimateGas(...args);
      const nonce = await provider.getTransactionCount(this.address, 'pending');
      const fees =
        this.settings.gasPricing === 'legacy' ? { type: 0, gasPrice: (await provider.getFeeData()).gasPrice } : {};
      return await fn.send(...args, { nonce, gasLimit: (gasLimit * 12n) / 10n, ...fees });
    });
  }
}

function toSeconds(date: Date): number {
  const seconds = Math.floor(date.getTime() / 1000);
  // The registry stores times as uint32 seconds (until 2106).
  if (!Number.isFinite(seconds) || seconds <= 0 || seconds > 0xffffffff) {
    throw new LedgerInputError('the expiry must be a date between 1970 and 2106');
  }
  return seconds;
}
