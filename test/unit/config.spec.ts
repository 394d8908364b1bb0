import { ConfigurationError, loadConfig } from '../../libs/config/src/index.js';

const PROBE = '0x5FbDB2315678afecb367f032d93F642f64180aa3';

describe('loadConfig', () => {
  it('fills in the local-stack defaults when only the required settings are given', () => {
    const config = loadConfig({ LEDGER_PROBE_ADDRESS: PROBE });
    expect(config.api).toEqual({ host: '127.0.0.1', port: 3000 });
    expect(config.temporal).toEqual({
      address: '127.0.0.1:7233',
      namespace: 'default',
      taskQueue: 'lendbridge',
      uiUrl: 'http://127.0.0.1:8233',
    });
    expect(config.ledger).toEqual({
      rpcUrl: 'http://127.0.0.1:8545',
      chainId: 31337,
      probeAddress: PROBE,
      timeoutMs: 2000,
    });
  });

  it('reads numbers from strings and trims a trailing slash off the UI URL', () => {
    const config = loadConfig({
      LEDGER_PROBE_ADDRESS: PROBE,
      API_PORT: '8080',
      LEDGER_CHAIN_ID: '20200',
      TEMPORAL_UI_URL: 'https://temporal.example.test/',
    });
    expect(config.api.port).toBe(8080);
    expect(config.ledger.chainId).toBe(20200);
    expect(config.temporal.uiUrl).toBe('https://temporal.example.test');
  });

  it('treats empty variables as unset', () => {
    expect(loadConfig({ LEDGER_PROBE_ADDRESS: PROBE, API_PORT: '' }).api.port).toBe(3000);
  });

  it('rejects a bad environment with every problem named, not just the first', () => {
    let caught: unknown;
    try {
      loadConfig({
        LEDGER_PROBE_ADDRESS: '0x1234',
        API_PORT: '70000',
        TEMPORAL_ADDRESS: 'no-port',
        LEDGER_RPC_URL: 'nope',
      });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ConfigurationError);
    const problems = (caught as ConfigurationError).problems.join('\n');
    for (const variable of ['LEDGER_PROBE_ADDRESS', 'API_PORT', 'TEMPORAL_ADDRESS', 'LEDGER_RPC_URL']) {
      expect(problems).toContain(variable);
    }
  });

  it('requires the ledger probe address, which has no sensible default', () => {
    expect(() => loadConfig({})).toThrow(/LEDGER_PROBE_ADDRESS/);
  });
});
