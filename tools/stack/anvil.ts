/**
 * The local EVM ledger: anvil from the npm package @foundry-rs/anvil. Its binary ships in a
 * per-platform optional dependency, so no install script (which npm 11 skips) is needed.
 */
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { JsonRpcProvider, Network } from 'ethers';
import { spawnManaged, waitUntil, type ManagedProcess } from './processes.js';

/** Anvil's first well-known development account. Public knowledge: never use it on a real chain. */
export const DEV_DEPLOYER_KEY = '0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80';
export const DEV_CHAIN_ID = 31337;

/**
 * A provider for tooling against a node whose chain id is known: a static network stops ethers from
 * polling the node for it in the background (and logging while the node is still starting).
 */
export function devProvider(rpcUrl: string, chainId: number = DEV_CHAIN_ID): JsonRpcProvider {
  const network = Network.from(chainId);
  return new JsonRpcProvider(rpcUrl, network, { staticNetwork: network, batchMaxCount: 1, cacheTimeout: -1 });
}

export function anvilExecutable(): string {
  const arch = process.arch === 'x64' ? 'amd64' : process.arch;
  const platformPackage = `@foundry-rs/anvil-${process.platform}-${arch}`;
  try {
    const manifest = createRequire(import.meta.url).resolve(`${platformPackage}/package.json`);
    return join(dirname(manifest), 'bin', 'anvil');
  } catch {
    throw new Error(`${platformPackage} is not installed: run npm install (anvil ships no build for other platforms)`);
  }
}

export interface AnvilOptions {
  port: number;
  chainId?: number;
  /** Load state from this file at start and write it back periodically and at exit. */
  stateFile?: string;
  /** e.g. 'london' for the FISCO BCOS compatibility profile. */
  hardfork?: string;
  output?: 'prefixed' | 'silent';
}

export interface RunningAnvil extends ManagedProcess {
  readonly rpcUrl: string;
}

export async function startAnvil(options: AnvilOptions): Promise<RunningAnvil> {
  const args = [
    '--host',
    '127.0.0.1',
    '--port',
    String(options.port),
    '--chain-id',
    String(options.chainId ?? DEV_CHAIN_ID),
  ];
  if (options.stateFile) args.push('--state', options.stateFile, '--state-interval', '5');
  if (options.hardfork) args.push('--hardfork', options.hardfork);
  const proc = spawnManaged('anvil', anvilExecutable(), args, { output: options.output ?? 'silent' });
  const rpcUrl = `http://127.0.0.1:${options.port}`;
  const provider = devProvider(rpcUrl, options.chainId ?? DEV_CHAIN_ID);
  try {
    await waitUntil(`anvil on ${rpcUrl}`, async () => (await provider.send('eth_chainId', [])) !== undefined, {
      timeoutMs: 30_000,
      proc,
    });
  } catch (error) {
    await proc.stop();
    throw error;
  } finally {
    provider.destroy();
  }
  return Object.assign(proc, { rpcUrl });
}
