/**
 * Sends the ledger's transactions: anchoring reports and batches, revocations, evidence, members and
 * evidence keys. Built so that a retried or crashed-and-restarted caller never fails and never
 * writes twice:
 * - before every write the chain is asked whether the write is already done; if so nothing is
 *   sent and the outcome says so;
 * - the contracts treat a repeat of an anchor, a revocation or an evidence record as a no-op, so a
 *   duplicate that slips through (a crash after sending, before the receipt) still succeeds;
 * - sends from one writer are serialized until the node has accepted each transaction, and every
 *   nonce is read fresh from the node ('pending'), never from a local counter that a failed send
 *   would leave wrong (ethers' NonceManager increments before sending and never rolls back);
 * - writers in several processes sharing one key race for nonces: a writer that loses checks the
 *   chain again (the winner may have done this very write) and sends again, a bounded number of
 *   times, before it gives up with LedgerNonceConflictError. Give each worker replica its own key,
 *   proposed by the lender's recorder member and accepted by the key.
 * Evidence is recorded only for the member the signer serves on chain, and, when the settings name
 * the lender (LEDGER_EVIDENCE_MEMBER), only if that is the one: never into another's namespace.
 */
import { type Contract, type ContractTransactionResponse, type Wallet } from 'ethers';
import { type LedgerConfig } from '#config';
import { type EvidenceKind, type LedgerClient, type MemberRole } from './ledger-client.js';
import {
  checkAddress,
  checkBytes32,
  isNonceConflict,
  LedgerInputError,
  LedgerNonceConflictError,
  LedgerOperatorActionError,
  LedgerRevertError,
  LedgerUnavailableError,
  OperatorAction,
  reportHashToBytes32,
  toLedgerError,
} from './ledger-errors.js';
import { expectedKind } from './verdict.js';

export interface SentTransaction {
  transactionHash: string;
  blockNumber: number;
  gasUsed: bigint;
}

/** Either a transaction was mined, or the chain already held the result and nothing was sent. */
export type WriteOutcome = { outcome: 'sent'; transaction: SentTransaction } | { outcome: 'already-recorded' };

export type LedgerWriterSettings = Pick<
  LedgerConfig,
  'gasPricing' | 'txTimeoutMs' | 'confirmations' | 'evidenceMember'
>;

const ALREADY: WriteOutcome = { outcome: 'already-recorded' };

/** Attempts at one write when other senders with the same key keep taking its nonce. */
export const NONCE_ATTEMPTS = 8;

/** Asks the chain whether a write is done: ALREADY if so, undefined to send it. */
type DoneCheck = () => Promise<WriteOutcome | undefined>;

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

  /**
   * Anchors one report hash (64 hex) under the signer, as a document of the kind named `kind`, until
   * `expiresAt`. The signer must be granted the kind (else the contract's KindNotTrusted); a hash the
   * signer anchored as another kind is refused (AnchoredAsOtherKind), never re-kinded.
   */
  async anchorReport(kind: string, reportHash: string, expiresAt: Date): Promise<WriteOutcome> {
    const kindId = kindIdOf(kind);
    const key = reportHashToBytes32(reportHash);
    const expiry = toSeconds(expiresAt);
    const done: DoneCheck = async () => {
      const existing = await this.client.anchorOf(this.address, reportHash);
      // Sent, for the contract to refuse it with AnchoredAsOtherKind and the kind it holds.
      if (existing && existing.kindId !== kindId) return undefined;
      // Done only while the signer is still trusted for the kind: otherwise sent, for the contract to
      // refuse it with KindNotTrusted, so a withdrawn kind is never reported as a successful anchor.
      if (existing && !existing.revoked && !(await this.client.isTrustedFor(this.address, kind))) return undefined;
      // The contract would accept this silently; a revoked report must not look freshly anchored.
      if (existing?.revoked) {
        throw new LedgerRevertError(
          'AlreadyRevoked',
          [this.address, key, existing.revoked.reason],
          `it was revoked already, with reason ${existing.revoked.reason}`,
        );
      }
      return existing ? ALREADY : undefined;
    };
    return await this.write(done, this.client.registry, 'anchor', [key, kindId, expiry]);
  }

  /**
   * Anchors a Merkle root (bytes32 hex) of `leafCount` report hashes under the signer until
   * `expiresAt`, every report in it a document of the kind named `kind` (one kind per batch).
   */
  async anchorBatch(kind: string, merkleRoot: string, expiresAt: Date, leafCount: number): Promise<WriteOutcome> {
    const kindId = kindIdOf(kind);
    const root = checkBytes32(merkleRoot, 'the batch root');
    const expiry = toSeconds(expiresAt);
    const done: DoneCheck = async () => {
      const existing = await this.client.batchOf(this.address, root);
      if (!existing || existing.kindId !== kindId) return undefined; // the contract says what is wrong
      return (await this.client.isTrustedFor(this.address, kind)) ? ALREADY : undefined;
    };
    return await this.write(done, this.client.registry, 'anchorBatch', [root, kindId, expiry, leafCount]);
  }

  /** Trusts `issuer` for the document kind named `kind`; the signer must be the registry's admin. */
  async grantKind(issuer: string, kind: string): Promise<WriteOutcome> {
    const account = checkAddress(issuer, 'the issuer');
    const kindId = kindIdOf(kind);
    const done: DoneCheck = async () => ((await this.client.isTrustedFor(account, kind)) ? ALREADY : undefined);
    return await this.write(done, this.client.registry, 'grantKind', [account, kindId]);
  }

  /** Stops trusting `issuer` for the document kind named `kind`; the signer must be the registry's admin. */
  async withdrawKind(issuer: string, kind: string): Promise<WriteOutcome> {
    const account = checkAddress(issuer, 'the issuer');
    const kindId = kindIdOf(kind);
    const done: DoneCheck = async () => ((await this.client.isTrustedFor(account, kind)) ? undefined : ALREADY);
    return await this.write(done, this.client.registry, 'withdrawKind', [account, kindId]);
  }

  /** Revokes a report (64 hex) the signer anchored on its own, with a reason code (1-65535). */
  async revoke(reportHash: string, reasonCode: number): Promise<WriteOutcome> {
    const key = reportHashToBytes32(reportHash);
    // Revoked with this reason: done. Revoked with another: the contract's AlreadyRevoked says so.
    const done: DoneCheck = async () =>
      (await this.client.anchorOf(this.address, reportHash))?.revoked?.reason === reasonCode ? ALREADY : undefined;
    return await this.write(done, this.client.registry, 'revoke', [key, reasonCode]);
  }

  /** Revokes a whole batch (root as bytes32 hex) the signer anchored, with a reason code. */
  async revokeBatch(merkleRoot: string, reasonCode: number): Promise<WriteOutcome> {
    const root = checkBytes32(merkleRoot, 'the batch root');
    const done: DoneCheck = async () =>
      (await this.client.batchOf(this.address, root))?.revoked?.reason === reasonCode ? ALREADY : undefined;
    return await this.write(done, this.client.registry, 'revokeBatch', [root, reasonCode]);
  }

  /** Revokes one report (64 hex) of the signer's batch, given its proof; the batch's other reports stay valid. */
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
      reasonCode,
    ];
    const done: DoneCheck = async () =>
      (await this.client.revocationInBatch(this.address, merkleRoot, reportHash))?.reason === reasonCode
        ? ALREADY
        : undefined;
    return await this.write(done, this.client.registry, 'revokeInBatch', args);
  }

  /**
   * The member organisation whose evidence this writer records: the signer itself if it is a
   * recorder member, else the member whose proposal it accepted as a key. Asked of the chain on
   * every write, so a key accepted (or a member re-added) while the process runs is picked up. When
   * the settings name the lender, any other member is refused, so a key that serves someone else
   * never writes there.
   */
  async recordingMember(): Promise<string> {
    const signer = this.address;
    const expected = this.settings.evidenceMember;
    const member = await this.client.recordsFor(signer);
    if (!member) {
      throw new LedgerOperatorActionError(
        OperatorAction.SIGNER_NOT_AUTHORISED,
        `the signing account ${signer} records evidence for no current member: have the lender's recorder member ` +
          `run npm run admin -- propose-key ${signer}, then accept with this key: npm run admin -- accept-key ` +
          `${expected ?? '<lender address>'} signed by ${signer} (the write is retried)`,
      );
    }
    if (expected && !sameAddress(member, expected)) {
      const serves = sameAddress(member, signer) ? 'is a recorder member itself' : `records evidence for ${member}`;
      throw new LedgerOperatorActionError(
        OperatorAction.SIGNER_NOT_AUTHORISED,
        `the signing account ${signer} ${serves}, not for LEDGER_EVIDENCE_MEMBER ${expected}: nothing was recorded. ` +
          `Give this worker a key of ${expected}'s (npm run admin -- propose-key <key>, signed by ${expected}, then ` +
          `accept-key ${expected} signed by the key), or correct LEDGER_EVIDENCE_MEMBER (the write is retried)`,
      );
    }
    return member;
  }

  /**
   * Records a salted evidence hash (64 hex) for an application reference hash (64 hex) in the
   * namespace of the member this writer records for. Done already when that member holds the same
   * evidence, whichever of its keys recorded it.
   */
  async recordEvidence(evidenceHash: string, applicationRef: string, kind: EvidenceKind): Promise<WriteOutcome> {
    const [hashKey, refKey] = [reportHashToBytes32(evidenceHash), reportHashToBytes32(applicationRef)];
    const done: DoneCheck = async () => {
      // With the lender named, look there first: a retry of evidence recorded before this key was
      // revoked is done, not stalled until a new key is accepted.
      const member = this.settings.evidenceMember ?? (await this.recordingMember());
      const existing = await this.client.evidenceOf(member, evidenceHash);
      if (existing?.applicationRef === refKey && existing.kind === kind) return ALREADY;
      if (this.settings.evidenceMember) await this.recordingMember();
      return undefined;
    };
    return await this.write(done, this.client.evidence, 'record', [hashKey, refKey, kind]);
  }

  /**
   * Proposes `key` (a worker replica's address) to record evidence for the signer, a recorder member.
   * Done when proposed already, or when the key serves the signer already.
   */
  async proposeKey(key: string): Promise<WriteOutcome> {
    const account = checkAddress(key, 'the key');
    const done: DoneCheck = async () => {
      // A key serving another member: sent, for the contract to refuse it with KeyInUse.
      const serving = await this.client.keyMember(account);
      if (serving) return sameAddress(serving, this.address) ? ALREADY : undefined;
      return (await this.client.isKeyProposed(this.address, account)) ? ALREADY : undefined;
    };
    return await this.write(done, this.client.evidence, 'proposeKey', [account]);
  }

  /** Accepts `member`'s proposal: the signer, a worker replica's key, records evidence for `member` from now on. */
  async acceptKey(member: string): Promise<WriteOutcome> {
    const account = checkAddress(member, 'the member');
    const expected = this.settings.evidenceMember;
    // Binding is for good (only the member can revoke): a careless accept of another member's
    // proposal would send this key's records to that member.
    if (expected && !sameAddress(account, expected)) {
      throw new LedgerInputError(
        `this key is for LEDGER_EVIDENCE_MEMBER ${expected}: it does not accept ${member}'s proposal`,
      );
    }
    const done: DoneCheck = async () => {
      const serving = await this.client.keyMember(this.address);
      return serving && sameAddress(serving, account) ? ALREADY : undefined;
    };
    return await this.write(done, this.client.evidence, 'acceptKey', [account]);
  }

  /** Withdraws the signer's proposal to `key`, which has not accepted it. */
  async withdrawKeyProposal(key: string): Promise<WriteOutcome> {
    const account = checkAddress(key, 'the key');
    const done: DoneCheck = async () =>
      (await this.client.isKeyProposed(this.address, account)) ? undefined : ALREADY;
    return await this.write(done, this.client.evidence, 'withdrawKeyProposal', [account]);
  }

  /** Revokes `key`, which records evidence for the signer; from then on it records for nobody. */
  async revokeKey(key: string): Promise<WriteOutcome> {
    const account = checkAddress(key, 'the key');
    const done: DoneCheck = async () => ((await this.client.keyMember(account)) ? undefined : ALREADY);
    return await this.write(done, this.client.evidence, 'revokeKey', [account]);
  }

  /** Adds an issuer (registry) or recorder (evidence registry); the signer must be that contract's admin. */
  async addMember(of: MemberRole, account: string, displayName: string, jurisdiction: string): Promise<WriteOutcome> {
    if (!/^[A-Z]{2}$/.test(jurisdiction)) throw new LedgerInputError('a jurisdiction is two capital letters, e.g. HK');
    const code = `0x${Buffer.from(jurisdiction, 'latin1').toString('hex')}`;
    const done: DoneCheck = async () => {
      const current = await this.client.memberDetails(account, of);
      const same = current.active && current.displayName === displayName && current.jurisdiction === jurisdiction;
      return same ? ALREADY : undefined;
    };
    return await this.write(done, this.client.memberContract(of), 'addMember', [account, displayName, code]);
  }

  async removeMember(of: MemberRole, account: string): Promise<WriteOutcome> {
    const done: DoneCheck = async () => ((await this.client.memberDetails(account, of)).active ? undefined : ALREADY);
    return await this.write(done, this.client.memberContract(of), 'removeMember', [account]);
  }

  /**
   * Checks the chain, then sends; when another sender took the nonce, checks again (that sender may
   * have made this very write) and sends again with a fresh nonce, up to NONCE_ATTEMPTS times.
   */
  private async write(done: DoneCheck, contract: Contract, method: string, args: unknown[]): Promise<WriteOutcome> {
    for (let attempt = 1; ; attempt++) {
      const already = await done();
      if (already) return already;
      try {
        return await this.send(contract, method, args);
      } catch (error) {
        if (!isNonceConflict(error)) throw toLedgerError(error, this.client.settings.rpcUrl, this.address);
        if (attempt >= NONCE_ATTEMPTS) throw new LedgerNonceConflictError(this.address, attempt, error);
        // Spread the retries of racing processes apart, more with every loss.
        await new Promise((resolve) => setTimeout(resolve, 20 + Math.random() * 80 * attempt));
      }
    }
  }

  /**
   * Broadcasts under the queue (so this writer takes nonces one at a time), then waits for the
   * receipt outside it. Throws ethers' own errors: the caller tells a nonce conflict from the rest.
   */
  private async send(contract: Contract, method: string, args: unknown[]): Promise<WriteOutcome> {
    const broadcast = this.queue.then(() => this.broadcast(contract, method, args));
    this.queue = broadcast.catch(() => undefined); // one failed send must not block the ones after it
    const response = await broadcast;
    const receipt = await response.wait(this.settings.confirmations + 1, this.settings.txTimeoutMs);
    if (!receipt) throw new LedgerUnavailableError(this.client.settings.rpcUrl, `no receipt for ${response.hash}`);
    return {
      outcome: 'sent',
      transaction: { transactionHash: receipt.hash, blockNumber: receipt.blockNumber, gasUsed: receipt.gasUsed },
    };
  }

  private async broadcast(contract: Contract, method: string, args: unknown[]): Promise<ContractTransactionResponse> {
    const provider = this.client.provider;
    const fn = contract.connect(this.signer).getFunction(method);
    // Estimating first turns a revert into a decoded custom error before any gas is spent.
    const gasLimit = await fn.estimateGas(...args);
    const nonce = await provider.getTransactionCount(this.address, 'pending');
    const fees =
      this.settings.gasPricing === 'legacy' ? { type: 0, gasPrice: (await provider.getFeeData()).gasPrice } : {};
    return await fn.send(...args, { nonce, gasLimit: (gasLimit * 12n) / 10n, ...fees });
  }
}

function sameAddress(a: string, b: string): boolean {
  return a.toLowerCase() === b.toLowerCase();
}

/** The ledger id of a kind name; a name that is not one is bad input (LedgerInputError), not a node failure. */
function kindIdOf(kind: string): string {
  return expectedKind(kind).id;
}

function toSeconds(date: Date): number {
  const seconds = Math.floor(date.getTime() / 1000);
  // The registry stores times as uint32 seconds (until 2106).
  if (!Number.isFinite(seconds) || seconds <= 0 || seconds > 0xffffffff) {
    throw new LedgerInputError('the expiry must be a date between 1970 and 2106');
  }
  return seconds;
}
