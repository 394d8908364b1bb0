/**
 * The one client lendbridge uses to read the EVM ledger. Verification is one view call; block
 * hashes and issuer names, which do not change once final, are cached so a verification stays a
 * single round trip. Every node failure surfaces as a typed error (see ledger-errors.ts).
 */
import { Contract, EventLog, FetchRequest, JsonRpcProvider, Network, type FunctionFragment, type Result } from 'ethers';
import { type LedgerConfig } from '#config';
import { type LedgerInfo, type VerificationPolicy, type VerificationReceipt } from '#domain';
import { CREDIT_REPORT_REGISTRY_ABI } from './abi/credit-report-registry.abi.js';
import { EVIDENCE_REGISTRY_ABI } from './abi/evidence-registry.abi.js';
import {
  checkAddress,
  checkBytes32,
  LedgerMismatchError,
  LedgerNotConfirmedError,
  reportHashToBytes32,
  toLedgerError,
} from './ledger-errors.js';
import { AnchorStatus, decideVerdict, documentKindName, expectedKind, type RegistryView } from './verdict.js';

export type LedgerClientSettings = Pick<
  LedgerConfig,
  'rpcUrl' | 'chainId' | 'registryAddress' | 'evidenceAddress' | 'timeoutMs' | 'confirmations'
>;

export type LedgerReachability =
  { status: 'up'; chainId: string; blockNumber: number } | { status: 'down'; reason: string };

export interface MemberDetails {
  address: string;
  displayName: string;
  jurisdiction: string;
  active: boolean;
}

/** What an issuer stored for a report or a batch root (CreditReportRegistry.anchorOf / batchOf). */
export interface AnchorRecord {
  anchoredAt: string;
  expiresAt: string;
  anchoredBlock: number;
  /** Reports in the batch; 0 for a report anchored on its own. */
  leafCount: number;
  /** The document kind's id (bytes10 hex) it was anchored as, and its name when it is a standard kind. */
  kindId: string;
  kind: string;
  /** Set once revoked. */
  revoked?: { at: string; reason: number };
}

export type MemberRole = 'issuer' | 'recorder';

/** A document kind an issuer is granted: its id on the ledger and, for a standard kind, its name. */
export interface GrantedKind {
  id: string;
  /** The kind's name when it is a standard kind; else the id again. */
  name: string;
}

/** One anchor or batch an issuer made, as its ReportAnchored / BatchAnchored event tells it. */
export interface AnchorEvent {
  type: 'report' | 'batch';
  /** The report hash (64 hex) for a report; the Merkle root (bytes32 hex) for a batch. */
  key: string;
  kindId: string;
  kind: string;
  expiresAt: string;
  leafCount: number;
  blockNumber: number;
  transactionHash: string;
}

export const EvidenceKind = { Consent: 1, Decision: 2 } as const;
export type EvidenceKind = (typeof EvidenceKind)[keyof typeof EvidenceKind];

/** Evidence as a member's namespace holds it (EvidenceRegistry.evidenceOf). */
export interface EvidenceRecord {
  member: string;
  evidenceHash: string;
  applicationRef: string;
  kind: EvidenceKind;
  /** The account that sent it: the member or one of its authorised keys. */
  recordedBy: string;
  recordedAt: string;
  recordedBlock: number;
}

const CACHE_LIMIT = 10_000;

export class LedgerClient {
  readonly provider: JsonRpcProvider;
  readonly registry: Contract;
  readonly evidence: Contract;
  private readonly blockHashes = new Map<number, string>();
  private readonly memberNames = new Map<string, { displayName: string; jurisdiction: string }>();
  private readonly viewFragments: Record<'verify' | 'verifyInBatch', FunctionFragment>;

  constructor(readonly settings: LedgerClientSettings) {
    const request = new FetchRequest(settings.rpcUrl);
    request.timeout = settings.timeoutMs;
    const network = Network.from(settings.chainId);
    // staticNetwork: never probe the node for its chain in the background (ethers otherwise retries
    // forever while a node is down). batchMaxCount 1: no request batching, which would hold each
    // call back by batchStallTime (10 ms). cacheTimeout -1: ethers would otherwise answer repeated
    // identical calls from a 250 ms cache, so a fresh anchor or nonce could be missed.
    // pollingInterval: receipts are polled for; ethers' 4 s default would outlast most blocks.
    this.provider = new JsonRpcProvider(request, network, {
      staticNetwork: network,
      batchMaxCount: 1,
      cacheTimeout: -1,
      pollingInterval: 500,
    });
    this.registry = new Contract(settings.registryAddress, CREDIT_REPORT_REGISTRY_ABI, this.provider);
    this.evidence = new Contract(settings.evidenceAddress, EVIDENCE_REGISTRY_ABI, this.provider);
    // Looked up once: resolving a fragment by name on every call shows in verification throughput.
    this.viewFragments = {
      verify: this.registry.interface.getFunction('verify')!,
      verifyInBatch: this.registry.interface.getFunction('verifyInBatch')!,
    };
  }

  /** Proves the node is the configured ledger: right chain, registry deployed where configured. */
  async readLedgerInfo(): Promise<LedgerInfo> {
    const chainId = BigInt(await this.guard(() => this.provider.send('eth_chainId', []) as Promise<string>));
    if (chainId !== BigInt(this.settings.chainId)) {
      throw new LedgerMismatchError(
        `node at ${this.settings.rpcUrl} serves chain ${chainId}, configured LEDGER_CHAIN_ID is ${this.settings.chainId}`,
      );
    }
    const code = await this.guard(() => this.provider.getCode(this.settings.registryAddress));
    if (code === '0x') {
      throw new LedgerMismatchError(
        `no contract at LEDGER_REGISTRY_ADDRESS ${this.settings.registryAddress} on chain ${this.settings.chainId}`,
      );
    }
    const [blockNumber, registryVersion] = await Promise.all([
      this.guard(() => this.provider.getBlockNumber()),
      this.guard(() => this.registry.getFunction('VERSION').staticCall() as Promise<string>),
    ]);
    return {
      chainId: chainId.toString(),
      blockNumber,
      registryAddress: this.settings.registryAddress,
      registryVersion,
    };
  }

  /** For health checks: never throws, says why the ledger is not usable. */
  async checkReachability(): Promise<LedgerReachability> {
    try {
      const info = await this.readLedgerInfo();
      return { status: 'up', chainId: info.chainId, blockNumber: info.blockNumber };
    } catch (error) {
      return { status: 'down', reason: error instanceof Error ? error.message : String(error) };
    }
  }

  /**
   * Verifies a report `issuer` anchored on its own: a hash anchored by anyone else is NOT_ANCHORED.
   * `issuer` is the address the caller expects (the one the applicant's consent names); `kind` the
   * document kind's name the caller expects (anchored as another kind, or by an issuer not trusted
   * for it now: UNTRUSTED_ISSUER, with a detail saying which); `reportHash` is 64 lowercase hex.
   */
  async verifyReport(
    issuer: string,
    kind: string,
    reportHash: string,
    policy: VerificationPolicy,
  ): Promise<VerificationReceipt> {
    const expected = expectedKind(kind);
    // verify(address,bytes32) encoded by hand: two static words after the selector. ethers' encoder
    // checksums the address on the way, which costs as much as the rest of the call's encoding.
    const word = (hex: string): string => hex.slice(2).padStart(64, '0');
    const data = `${this.viewFragments.verify.selector}${word(checkAddress(issuer, 'the issuer'))}${word(reportHashToBytes32(reportHash))}`;
    const view = await this.view('verify', data);
    return await this.toReceipt(reportHash, view, policy, expected);
  }

  /**
   * Verifies a report in a Merkle batch `issuer` anchored as document kind `kind`, given its proof
   * and the batch root (bytes32 hex). The batch's kind is every one of its reports' kind.
   */
  async verifyReportInBatch(
    issuer: string,
    kind: string,
    reportHash: string,
    proof: readonly string[],
    merkleRoot: string,
    policy: VerificationPolicy,
  ): Promise<VerificationReceipt> {
    const expected = expectedKind(kind);
    const view = await this.view(
      'verifyInBatch',
      this.registry.interface.encodeFunctionData(this.viewFragments.verifyInBatch, [
        checkAddress(issuer, 'the issuer'),
        reportHashToBytes32(reportHash),
        proof.map((p) => checkBytes32(p, 'each proof element')),
        checkBytes32(merkleRoot, 'the batch root'),
      ]),
    );
    return await this.toReceipt(reportHash, view, policy, expected, merkleRoot);
  }

  /** What `member`'s namespace holds for a salted evidence hash (64 hex), or undefined. */
  async evidenceOf(member: string, evidenceHash: string): Promise<EvidenceRecord | undefined> {
    const record = await this.guard(
      () =>
        this.evidence
          .getFunction('evidenceOf')
          .staticCall(checkAddress(member, 'the member'), reportHashToBytes32(evidenceHash)) as Promise<Result>,
    );
    if (Number(record[0]) === 0) return undefined;
    return {
      member,
      evidenceHash,
      recordedAt: isoSeconds(Number(record[0])),
      recordedBlock: Number(record[1]),
      kind: Number(record[2]) as EvidenceKind,
      recordedBy: String(record[3]),
      applicationRef: String(record[4]),
    };
  }

  /**
   * The member whose evidence namespace `account`'s records land in: itself if it is a current
   * recorder member, else the current member whose proposal it accepted as a key; undefined if none.
   */
  async recordsFor(account: string): Promise<string | undefined> {
    const member = await this.guard(
      () => this.evidence.getFunction('recordsFor').staticCall(checkAddress(account, 'the account')) as Promise<string>,
    );
    return isZeroAddress(member) ? undefined : member;
  }

  /** The member whose proposal `key` accepted, whether or not still a member; undefined if none. */
  async keyMember(key: string): Promise<string | undefined> {
    const member = await this.guard(
      () => this.evidence.getFunction('keyMember').staticCall(checkAddress(key, 'the key')) as Promise<string>,
    );
    return isZeroAddress(member) ? undefined : member;
  }

  /** Whether `member` proposed `key` and the key has not accepted yet (nor the member withdrawn). */
  async isKeyProposed(member: string, key: string): Promise<boolean> {
    return await this.guard(
      () =>
        this.evidence
          .getFunction('isKeyProposed')
          .staticCall(checkAddress(member, 'the member'), checkAddress(key, 'the key')) as Promise<boolean>,
    );
  }

  /** The members with a pending proposal for `key`, found from KeyProposed events and checked on chain. */
  async keyProposals(key: string): Promise<string[]> {
    const account = checkAddress(key, 'the key');
    const events = await this.guard(() =>
      this.evidence.queryFilter(this.evidence.filters.KeyProposed!(null, account), 0),
    );
    const proposers = [
      ...new Set(events.flatMap((event) => (event instanceof EventLog ? [String(event.args[0])] : []))),
    ];
    const pending = await Promise.all(proposers.map((member) => this.isKeyProposed(member, account)));
    return proposers.filter((_, i) => pending[i]);
  }

  /** What `issuer` anchored on its own under a report hash (64 hex); undefined if nothing. */
  async anchorOf(issuer: string, reportHash: string): Promise<AnchorRecord | undefined> {
    return await this.anchorRecord('anchorOf', issuer, reportHashToBytes32(reportHash));
  }

  /** What `issuer` anchored as a batch under a Merkle root (bytes32 hex); undefined if nothing. */
  async batchOf(issuer: string, merkleRoot: string): Promise<AnchorRecord | undefined> {
    return await this.anchorRecord('batchOf', issuer, checkBytes32(merkleRoot, 'the batch root'));
  }

  /** How `issuer` revoked one report (64 hex) of its batch; undefined if it did not. */
  async revocationInBatch(
    issuer: string,
    merkleRoot: string,
    reportHash: string,
  ): Promise<{ at: string; reason: number } | undefined> {
    const revocation = await this.guard(
      () =>
        this.registry
          .getFunction('revocationInBatch')
          .staticCall(
            checkAddress(issuer, 'the issuer'),
            checkBytes32(merkleRoot, 'the batch root'),
            reportHashToBytes32(reportHash),
          ) as Promise<Result>,
    );
    return Number(revocation[0]) === 0
      ? undefined
      : { at: isoSeconds(Number(revocation[0])), reason: Number(revocation[1]) };
  }

  /** The document kinds `issuer` is granted now (CreditReportRegistry.kindsOf); none for a non-member. */
  async kindsOf(issuer: string): Promise<GrantedKind[]> {
    const kinds = await this.guard(
      () => this.registry.getFunction('kindsOf').staticCall(checkAddress(issuer, 'the issuer')) as Promise<Result>,
    );
    return [...kinds].map((id) => ({ id: String(id), name: documentKindName(String(id)) }));
  }

  /** Whether `issuer` is granted the document kind named `kind` now. */
  async isTrustedFor(issuer: string, kind: string): Promise<boolean> {
    return await this.guard(
      () =>
        this.registry
          .getFunction('isTrustedFor')
          .staticCall(checkAddress(issuer, 'the issuer'), expectedKind(kind).id) as Promise<boolean>,
    );
  }

  /**
   * What `issuer` anchored, report by report and batch by batch, from its ReportAnchored and
   * BatchAnchored events (a repeat emits none); only the kind named `kind` when given.
   */
  async anchorsBy(issuer: string, kind?: string): Promise<AnchorEvent[]> {
    const account = checkAddress(issuer, 'the issuer');
    const kindId = kind === undefined ? null : expectedKind(kind).id;
    const [reports, batches] = await Promise.all([
      this.guard(() => this.registry.queryFilter(this.registry.filters.ReportAnchored!(account, null, kindId), 0)),
      this.guard(() => this.registry.queryFilter(this.registry.filters.BatchAnchored!(account, null, kindId), 0)),
    ]);
    return [...reports, ...batches]
      .flatMap((event): AnchorEvent[] => {
        if (!(event instanceof EventLog)) return [];
        const batch = event.eventName === 'BatchAnchored';
        const id = String(event.args[2]);
        return [
          {
            type: batch ? 'batch' : 'report',
            key: batch ? String(event.args[1]) : String(event.args[1]).slice(2),
            kindId: id,
            kind: documentKindName(id),
            expiresAt: isoSeconds(Number(event.args[3])),
            leafCount: batch ? Number(event.args[4]) : 0,
            blockNumber: event.blockNumber,
            transactionHash: event.transactionHash,
          },
        ];
      })
      .sort((a, b) => a.blockNumber - b.blockNumber);
  }

  /** The contract whose members have this role: issuers on the registry, recorders on the evidence registry. */
  memberContract(of: MemberRole): Contract {
    return of === 'issuer' ? this.registry : this.evidence;
  }

  /** Name, jurisdiction and membership of an issuer (registry) or recorder (evidence registry). */
  async memberDetails(address: string, of: MemberRole = 'issuer'): Promise<MemberDetails> {
    const contract = this.memberContract(of);
    const [info, active] = await this.guard(
      () => contract.getFunction('memberInfo').staticCall(address) as Promise<[Result, boolean]>,
    );
    const jurisdiction = Buffer.from(String(info[1]).slice(2), 'hex').toString('latin1');
    return { address, displayName: String(info[0]), jurisdiction, active: Boolean(active) };
  }

  /** Current members, replayed from MemberAdded/MemberRemoved events. */
  async listMembers(of: MemberRole = 'issuer'): Promise<MemberDetails[]> {
    const contract = this.memberContract(of);
    const [added, removed] = await Promise.all([
      this.guard(() => contract.queryFilter(contract.filters.MemberAdded!(), 0)),
      this.guard(() => contract.queryFilter(contract.filters.MemberRemoved!(), 0)),
    ]);
    const events = [...added, ...removed].sort((a, b) => a.blockNumber - b.blockNumber || a.index - b.index);
    const current = new Set<string>();
    for (const event of events) {
      if (!(event instanceof EventLog)) continue; // not decodable with our ABI: not one of ours
      const account = String(event.args[1]);
      if (event.eventName === 'MemberAdded') current.add(account);
      else current.delete(account);
    }
    return await Promise.all([...current].map((address) => this.memberDetails(address, of)));
  }

  close(): void {
    this.provider.destroy();
  }

  private async anchorRecord(
    fn: 'anchorOf' | 'batchOf',
    issuer: string,
    key: string,
  ): Promise<AnchorRecord | undefined> {
    const a = await this.guard(
      () => this.registry.getFunction(fn).staticCall(checkAddress(issuer, 'the issuer'), key) as Promise<Result>,
    );
    if (Number(a[0]) === 0) return undefined;
    return {
      anchoredAt: isoSeconds(Number(a[0])),
      expiresAt: isoSeconds(Number(a[1])),
      anchoredBlock: Number(a[2]),
      leafCount: Number(a[3]),
      kindId: String(a[6]),
      kind: documentKindName(String(a[6])),
      ...(Number(a[4]) !== 0 ? { revoked: { at: isoSeconds(Number(a[4])), reason: Number(a[5]) } } : {}),
    };
  }

  private async toReceipt(
    reportHash: string,
    v: Result,
    policy: VerificationPolicy,
    expected: { name: string; id: string },
    batchRoot?: string,
  ): Promise<VerificationReceipt> {
    const view: RegistryView & {
      anchoredBlock: number;
      revocationReason: number;
      currentBlock: number;
      currentTime: number;
    } = {
      status: Number(v[0]),
      issuer: String(v[1]),
      issuerActive: Boolean(v[2]),
      anchoredAt: Number(v[3]),
      expiresAt: Number(v[4]),
      anchoredBlock: Number(v[5]),
      revocationReason: Number(v[6]),
      currentBlock: Number(v[7]),
      currentTime: Number(v[8]),
      kind: String(v[9]),
      issuerTrustedForKind: Boolean(v[10]),
    };
    const base = {
      reportHash,
      documentKind: expected.name,
      chainId: String(this.settings.chainId),
      contract: this.settings.registryAddress,
      checkedAtBlock: view.currentBlock,
    };
    // Expiry and age are judged by the chain's clock, the one the registry itself uses.
    const { verdict, detail } = decideVerdict(view, policy, view.currentTime, expected);
    if (view.status === AnchorStatus.Unknown) return { ...base, verdict };
    const confirmations = view.currentBlock - view.anchoredBlock;
    if (confirmations < this.settings.confirmations) {
      throw new LedgerNotConfirmedError(confirmations, this.settings.confirmations);
    }
    // Cached after the first sight of a block or issuer; only a miss costs a round trip.
    const blockHash = this.blockHashes.get(view.anchoredBlock) ?? (await this.blockHash(view.anchoredBlock));
    const issuer = this.memberNames.get(view.issuer) ?? (await this.issuerName(view.issuer));
    return {
      ...base,
      verdict,
      ...(detail ? { detail } : {}),
      anchor: {
        issuer: view.issuer,
        issuerName: issuer.displayName,
        issuerJurisdiction: issuer.jurisdiction,
        issuerActive: view.issuerActive,
        documentKind: documentKindName(view.kind),
        blockNumber: view.anchoredBlock,
        blockHash,
        anchoredAt: isoSeconds(view.anchoredAt),
        expiresAt: isoSeconds(view.expiresAt),
        ...(view.revocationReason !== 0 ? { revocationReason: view.revocationReason } : {}),
        ...(batchRoot ? { batchRoot } : {}),
      },
    };
  }

  /** Hashes of blocks at the required depth do not change: fetched once, then cached. */
  private async blockHash(blockNumber: number): Promise<string> {
    const cached = this.blockHashes.get(blockNumber);
    if (cached) return cached;
    const block = await this.guard(() => this.provider.getBlock(blockNumber));
    if (!block?.hash) throw toLedgerError(new Error(`block ${blockNumber} not found`), this.settings.rpcUrl);
    remember(this.blockHashes, blockNumber, block.hash);
    return block.hash;
  }

  private async issuerName(issuer: string): Promise<{ displayName: string; jurisdiction: string }> {
    const cached = this.memberNames.get(issuer);
    if (cached) return cached;
    const details = await this.memberDetails(issuer);
    const name = { displayName: details.displayName, jurisdiction: details.jurisdiction };
    remember(this.memberNames, issuer, name);
    return name;
  }

  /**
   * A registry view as one bare eth_call. Verification is the hot path, and ethers' Contract call
   * pipeline (request normalisation, name resolution, CCIP-read checks) costs more than the node
   * does on anvil: encoding and decoding here keeps the client close to raw eth_call throughput.
   */
  private async view(name: 'verify' | 'verifyInBatch', data: string): Promise<Result> {
    const fragment = this.viewFragments[name];
    const result = await this.guard(
      () => this.provider.send('eth_call', [{ to: this.settings.registryAddress, data }, 'latest']) as Promise<string>,
    );
    return this.registry.interface.decodeFunctionResult(fragment, result)[0] as Result;
  }

  /** Runs a node operation and maps any failure to a typed ledger error; shared with the writer. */
  async guard<T>(operation: () => Promise<T>): Promise<T> {
    try {
      return await operation();
    } catch (error) {
      throw toLedgerError(error, this.settings.rpcUrl);
    }
  }
}

function remember<K, V>(cache: Map<K, V>, key: K, value: V): void {
  if (cache.size >= CACHE_LIMIT) cache.delete(cache.keys().next().value as K);
  cache.set(key, value);
}

function isZeroAddress(address: string): boolean {
  return /^0x0{40}$/.test(address);
}

function isoSeconds(seconds: number): string {
  return new Date(seconds * 1000).toISOString();
}
