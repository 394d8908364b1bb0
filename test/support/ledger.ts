import { Wallet } from 'ethers';
import { type LedgerClient, LedgerWriter, type LedgerClientSettings } from '#ledger';
import { DEV_CHAIN_ID, startAnvil, type RunningAnvil } from '#stack/anvil';
import { deployDevLedger, devLedgerAddresses, DEV_KEYS } from '#stack/dev-ledger';
import { freePort } from '#stack/processes';

export interface TestLedger {
  anvil: RunningAnvil;
  rpcUrl: string;
  port: number;
  registryAddress: string;
  evidenceAddress: string;
  /** Client settings for this ledger, ready to spread into a LedgerClient. */
  settings: LedgerClientSettings;
}

/** A fresh anvil on a free port with both registries and the development members; stop with `anvil.stop()`. */
export async function startTestLedger(
  options: { stateFile?: string; port?: number; hardfork?: string } = {},
): Promise<TestLedger> {
  const port = options.port ?? (await freePort());
  const anvil = await startAnvil({ port, stateFile: options.stateFile, hardfork: options.hardfork });
  const addresses = devLedgerAddresses(await deployDevLedger(anvil.rpcUrl, DEV_CHAIN_ID));
  const settings: LedgerClientSettings = {
    rpcUrl: anvil.rpcUrl,
    chainId: DEV_CHAIN_ID,
    ...addresses,
    timeoutMs: 2_000,
    confirmations: 0,
  };
  return { anvil, rpcUrl: anvil.rpcUrl, port, ...addresses, settings };
}

/**
 * A writer signing with one of the development keys, expecting to record evidence for
 * `evidenceMember` when given; close its client when done.
 */
export function testWriter(
  client: LedgerClient,
  key: string = DEV_KEYS.issuerHK,
  evidenceMember?: string,
): LedgerWriter {
  return new LedgerWriter(client, new Wallet(key, client.provider), {
    gasPricing: 'auto',
    txTimeoutMs: 20_000,
    confirmations: 0,
    ...(evidenceMember ? { evidenceMember } : {}),
  });
}
