/**
 * The one client lendbridge uses to talk to the EVM ledger. It is deliberately stateless so that
 * API replicas and workers can share a node; every node failure surfaces as a typed error.
 */
import { Contract, FetchRequest, JsonRpcProvider, Network } from 'ethers';
import { type LedgerInfo } from '../../domain/src/index.js';
import { LedgerMismatchError, LedgerUnavailableError } from './ledger-errors.js';

export interface LedgerSettings {
  rpcUrl: string;
  chainId: number;
  probeAddress: string;
  timeoutMs: number;
}

/** Human-readable ABI of contracts/LedgerProbe.sol; a unit test checks it against the compiled ABI. */
export const LEDGER_PROBE_ABI = ['function version() pure returns (string)'] as const;

export type LedgerReachability =
  { status: 'up'; chainId: string; blockNumber: number } | { status: 'down'; reason: string };

export class LedgerClient {
  private readonly provider: JsonRpcProvider;
  private readonly probe: Contract;

  constructor(private readonly settings: LedgerSettings) {
    const request = new FetchRequest(settings.rpcUrl);
    request.timeout = settings.timeoutMs;
    const network = Network.from(settings.chainId);
    // staticNetwork: never probe the node for its chain in the background (ethers otherwise retries
    // forever while a node is down). batchMaxCount 1 disables request batching, which would hold
    // each call back by batchStallTime (10 ms) for nothing: our calls are single and latency-bound.
    this.provider = new JsonRpcProvider(request, network, { staticNetwork: network, batchMaxCount: 1 });
    this.probe = new Contract(settings.probeAddress, LEDGER_PROBE_ABI, this.provider);
  }

  /** Reads chain id, head block and the probe contract; proves the node is the configured ledger. */
  async readLedgerInfo(): Promise<LedgerInfo> {
    const chainId = await this.call(() => this.provider.send('eth_chainId', []) as Promise<string>);
    if (BigInt(chainId) !== BigInt(this.settings.chainId)) {
      throw new LedgerMismatchError(
        `node at ${this.settings.rpcUrl} serves chain ${BigInt(chainId)}, configured LEDGER_CHAIN_ID is ${this.settings.chainId}`,
      );
    }
    const code = await this.call(() => this.provider.getCode(this.settings.probeAddress));
    if (code === '0x') {
      throw new LedgerMismatchError(
        `no contract at LEDGER_PROBE_ADDRESS ${this.settings.probeAddress} on chain ${this.settings.chainId}`,
      );
    }
    const [blockNumber, probeVersion] = await Promise.all([
      this.call(() => this.provider.getBlockNumber()),
      this.call(() => this.probe.getFunction('version').staticCall() as Promise<string>),
    ]);
    return {
      chainId: BigInt(chainId).toString(),
      blockNumber,
      probeContract: this.settings.probeAddress,
      probeVersion,
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

  close(): void {
    this.provider.destroy();
  }

  private async call<T>(operation: () => Promise<T>): Promise<T> {
    try {
      return await operation();
    } catch (error) {
      throw new LedgerUnavailableError(this.settings.rpcUrl, error);
    }
  }
}
