import { type Contract, type Interface, type JsonRpcProvider, type TransactionReceipt } from 'ethers';
import { decodeRevert } from '#ledger';

/** Anvil's fifth development key: an account with ether and no role anywhere. */
export const STRANGER_KEY = '0x47e179ec197488593b187f80a00eb0da91f1b9d0b13f8733639f19c30a34926a';

/** The custom error a transaction or call reverted with; fails the test if it did not revert. */
export async function revertOf(action: Promise<unknown>): Promise<{ name: string; args: unknown[] }> {
  try {
    await action;
  } catch (error) {
    const revert = decodeRevert(error);
    if (revert) return revert;
    throw error;
  }
  throw new Error('expected the call to revert, but it succeeded');
}

/** Sends a contract transaction and waits for its receipt. */
export async function mined(tx: Promise<{ wait(): Promise<TransactionReceipt | null> }>): Promise<TransactionReceipt> {
  const receipt = await (await tx).wait();
  if (!receipt) throw new Error('no receipt');
  return receipt;
}

/** The events of a receipt that `iface` can decode, as [name, args]. */
export function eventsOf(receipt: TransactionReceipt, iface: Interface): [string, unknown[]][] {
  return receipt.logs.flatMap((log) => {
    const parsed = iface.parseLog(log);
    return parsed ? [[parsed.name, [...parsed.args]] as [string, unknown[]]] : [];
  });
}

/** Moves the chain's clock forward and mines a block at the new time. */
export async function advanceTime(provider: JsonRpcProvider, seconds: number): Promise<void> {
  await provider.send('evm_increaseTime', [seconds]);
  await provider.send('evm_mine', []);
}

export async function latestTimestamp(provider: JsonRpcProvider): Promise<number> {
  const block = await provider.getBlock('latest');
  if (!block) throw new Error('no latest block');
  return block.timestamp;
}

/** A contract bound to another signer, typed loosely as tests call arbitrary functions on it. */
export function as(contract: Contract, runner: ConstructorParameters<typeof Contract>[2]): Contract {
  return contract.connect(runner ?? null) as Contract;
}
