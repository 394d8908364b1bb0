import { DEV_CHAIN_ID, DEV_DEPLOYER_KEY, startAnvil, type RunningAnvil } from '../../tools/stack/anvil.js';
import { compileContracts, deployContracts } from '../../tools/stack/contracts.js';
import { freePort } from '../../tools/stack/processes.js';

export interface TestLedger {
  anvil: RunningAnvil;
  rpcUrl: string;
  port: number;
  probeAddress: string;
}

/** A fresh anvil on a free port with lendbridge's contracts deployed; stop it with `anvil.stop()`. */
export async function startTestLedger(options: { stateFile?: string; port?: number } = {}): Promise<TestLedger> {
  const port = options.port ?? (await freePort());
  const anvil = await startAnvil({ port, stateFile: options.stateFile });
  const record = await deployContracts(anvil.rpcUrl, DEV_CHAIN_ID, DEV_DEPLOYER_KEY, compileContracts(), [
    'LedgerProbe',
  ]);
  const probeAddress = record.contracts.LedgerProbe?.address;
  if (!probeAddress) throw new Error('LedgerProbe was not deployed');
  return { anvil, rpcUrl: anvil.rpcUrl, port, probeAddress };
}
