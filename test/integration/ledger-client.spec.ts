import { LedgerClient, LedgerMismatchError, LedgerUnavailableError } from '../../libs/ledger/src/index.js';
import { DEV_CHAIN_ID } from '../../tools/stack/anvil.js';
import { freePort } from '../../tools/stack/processes.js';
import { startTestLedger, type TestLedger } from '../support/ledger.js';

describe('LedgerClient against anvil', () => {
  let ledger: TestLedger;
  const clients: LedgerClient[] = [];
  const client = (overrides: Partial<ConstructorParameters<typeof LedgerClient>[0]> = {}): LedgerClient => {
    const c = new LedgerClient({
      rpcUrl: ledger.rpcUrl,
      chainId: DEV_CHAIN_ID,
      probeAddress: ledger.probeAddress,
      timeoutMs: 2_000,
      ...overrides,
    });
    clients.push(c);
    return c;
  };

  beforeAll(async () => {
    ledger = await startTestLedger();
  }, 60_000);

  afterAll(async () => {
    clients.forEach((c) => c.close());
    await ledger?.anvil.stop();
  });

  it('reads chain id, head block and the deployed probe contract', async () => {
    const info = await client().readLedgerInfo();
    expect(info).toEqual({
      chainId: String(DEV_CHAIN_ID),
      blockNumber: expect.any(Number) as number,
      probeContract: ledger.probeAddress,
      probeVersion: 'lendbridge-ledger-probe/1',
    });
    expect(info.blockNumber).toBeGreaterThanOrEqual(1); // the deployment mined a block
  });

  it('refuses a node that serves another chain than configured', async () => {
    await expect(client({ chainId: 1 }).readLedgerInfo()).rejects.toThrow(LedgerMismatchError);
    await expect(client({ chainId: 1 }).readLedgerInfo()).rejects.toThrow(/serves chain 31337.*LEDGER_CHAIN_ID is 1/);
  });

  it('refuses an address without contract code', async () => {
    const empty = '0x000000000000000000000000000000000000dEaD';
    await expect(client({ probeAddress: empty }).readLedgerInfo()).rejects.toThrow(
      /no contract at LEDGER_PROBE_ADDRESS/,
    );
  });

  it('reports an unreachable node as a retryable LedgerUnavailableError, and as "down" in health', async () => {
    const nowhere = client({ rpcUrl: `http://127.0.0.1:${await freePort()}` });
    await expect(nowhere.readLedgerInfo()).rejects.toThrow(LedgerUnavailableError);
    await expect(nowhere.checkReachability()).resolves.toEqual({
      status: 'down',
      reason: expect.stringContaining('unavailable') as string,
    });
  });

  it('reports a healthy node as "up" with its chain and head', async () => {
    const reachability = await client().checkReachability();
    expect(reachability).toMatchObject({ status: 'up', chainId: String(DEV_CHAIN_ID) });
  });
});
