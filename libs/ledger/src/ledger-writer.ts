/**
 * Sends the ledger's transactions: anchoring reports and batches, revocations, evidence, members.
 * Built to survive retries and crashes. Sends from one signer are serialized and each takes its
 * nonce fresh from the node ('pending'), never from a local counter that a failed send would leave
 * wrong (ethers' NonceManager increments before sending and never rolls back). Before sending,
 * the chain is asked whether the work is done already, so a retried activity does not send again;
 * and the contracts treat a repeat of the same write as a no-op, so a duplicate that slips through
 * (a crash after sending, before the receipt) never fails.
 */
import { type Contract, type Wallet } from 'ethers';
import { type LedgerConfig } from '../../config/src/index.js';
import { type LedgerClient, type EvidenceKind } from './ledger-client.js';
import { toLedgerError } from './ledger-errors.js';

export interface SentTransaction {
  transactionHash: string;
  blockNumber: number;
  gasUsed: bigint;
}

/** Either a transaction was mined, or the chain already held the result and nothing was sent. */
export type WriteOutcome = { outcome: 'sent'; transaction: SentTransaction } | { outcome: 'already-recorded' };

export type LedgerWriterSettings = Pick<LedgerConfig, 'gasPricing' | 'txTimeoutMs' | 'confirmations'>;

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
    const view = await this.read(
      () => this.client.registry.getFunction('verify').staticCall(`0x${reportHash}`) as Promise<unknown[]>,
    );
    const issuer = String(view[1]);
    if (issuer.toLowerCase() === this.address.toLowerCase()) return { outcome: 'already-recorded' };
    return await this.send(this.client.registry, 'anchor', [`0x${reportHash}`, toSeconds(expiresAt)]);
  }

  /** Anchors a Merkle root (bytes32 hex) of `leafCount` report hashes until `expiresAt`. */
  async anchorBatch(merkleRoot: string, expiresAt: Date, leafCount: number): Promise<WriteOutcome> {
    return await this.send(this.client.registry, 'anchorBatch', [merkleRoot, toSeconds(expiresAt), leafCount]);
  }

  /** Revokes a report hash (64 hex) or batch root (bytes32 hex) with a non-zero reason code. */
  async revoke(hashOrRoot: string, reasonCode: number): Promise<WriteOutcome> {
    const key = hashOrRoot.startsWith('0x') ? hashOrRoot : `0x${hashOrRoot}`;
    return await this.send(this.client.registry, 'revoke', [key, reasonCode]);
  }

  /** Records a salted evidence hash (64 hex) for an application reference hash (64 hex). */
  async recordEvidence(evidenceHash: string, applicationRef: string, kind: EvidenceKind): Promise<WriteOutcome> {
    const existing = await this.client.evidenceOf(evidenceHash);
    if (
      existing &&
      existing.recorder.toLowerCase() === this.address.toLowerCase() &&
      existing.applicationRef === `0x${applicationRef}` &&
      existing.kind === kind
    ) {
      return { outcome: 'already-recorded' };
    }
    return await this.send(this.client.evidence, 'record', [`0x${evidenceHash}`, `0x${applicationRef}`, kind]);
  }

  /** Adds an issuer (registry) or recorder (evidence registry); the signer must be that contract's admin. */
  async addMember(
    of: 'issuer' | 'recorder',
    account: string,
    displayName: string,
    jurisdiction: string,
  ): Promise<WriteOutcome> {
    const code = `0x${Buffer.from(jurisdiction, 'latin1').toString('hex')}`;
    return await this.send(this.contractOf(of), 'addMember', [account, displayName, code]);
  }

  async removeMember(of: 'issuer' | 'recorder', account: string): Promise<WriteOutcome> {
    return await this.send(this.contractOf(of), 'removeMember', [account]);
  }

  private contractOf(of: 'issuer' | 'recorder'): Contract {
    return of === 'issuer' ? this.client.registry : this.client.evidence;
  }

  private async send(contract: Contract, method: string, args: unknown[]): Promise<WriteOutcome> {
    const run = this.queue.then(() => this.sendNow(contract, method, args));
    this.queue = run.catch(() => undefined); // one failed send must not block the ones after it
    return await run;
  }

  private async sendNow(contract: Contract, method: string, args: unknown[]): Promise<WriteOutcome> {
    const provider = this.client.provider;
    try {
      const fn = contract.connect(this.signer).getFunction(method);
      // Estimating first turns a revert into a decoded custom error before any gas is spent.
      const gasLimit = await fn.estimateGas(...args);
      const nonce = await provider.getTransactionCount(this.address, 'pending');
      const fees =
        this.settings.gasPricing === 'legacy' ? { type: 0, gasPrice: (await provider.getFeeData()).gasPrice } : {};
      const response = await fn.send(...args, { nonce, gasLimit: (gasLimit * 12n) / 10n, ...fees });
      const receipt = await response.wait(Math.max(1, this.settings.confirmations + 1), this.settings.txTimeoutMs);
      if (!receipt) throw new Error(`no receipt for ${response.hash}`);
      return {
        outcome: 'sent',
        transaction: { transactionHash: receipt.hash, blockNumber: receipt.blockNumber, gasUsed: receipt.gasUsed },
      };
    } catch (error) {
      throw toLedgerError(error, this.client.settings.rpcUrl);
    }
  }

  private async read<T>(operation: () => Promise<T>): Promise<T> {
    try {
      return await operation();
    } catch (error) {
      throw toLedgerError(error, this.client.settings.rpcUrl);
    }
  }
}

function toSeconds(date: Date): number {
  return Math.floor(date.getTime() / 1000);
}
