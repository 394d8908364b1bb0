import { ConfigurationError, loadConfig } from '../../libs/config/src/index.js';

const REGISTRY = '0x5FbDB2315678afecb367f032d93F642f64180aa3';
const EVIDENCE = '0xe7f1725E7734CE288F8367e1Bb143E90bb3F0512';
const REQUIRED = { LEDGER_REGISTRY_ADDRESS: REGISTRY, LEDGER_EVIDENCE_ADDRESS: EVIDENCE };

describe('loadConfig', () => {
  it('fills in the local-stack defaults when only the required settings are given', () => {
    const config = loadConfig(REQUIRED);
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
      registryAddress: REGISTRY,
      evidenceAddress: EVIDENCE,
      confirmations: 0,
      timeoutMs: 2000,
      txTimeoutMs: 60_000,
      gasPricing: 'auto',
      signer: { kind: 'none' },
    });
  });

  it('reads numbers from strings and trims a trailing slash off the UI URL', () => {
    const config = loadConfig({
      ...REQUIRED,
      API_PORT: '8080',
      LEDGER_CHAIN_ID: '20200',
      TEMPORAL_UI_URL: 'https://temporal.example.test/',
    });
    expect(config.api.port).toBe(8080);
    expect(config.ledger.chainId).toBe(20200);
    expect(config.temporal.uiUrl).toBe('https://temporal.example.test');
  });

  it('treats empty variables as unset', () => {
    expect(loadConfig({ ...REQUIRED, API_PORT: '' }).api.port).toBe(3000);
  });

  it('rejects a bad environment with every problem named, not just the first', () => {
    let caught: unknown;
    try {
      loadConfig({
        ...REQUIRED,
        LEDGER_REGISTRY_ADDRESS: '0x1234',
        API_PORT: '70000',
        TEMPORAL_ADDRESS: 'no-port',
        LEDGER_RPC_URL: 'nope',
      });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ConfigurationError);
    const problems = (caught as ConfigurationError).problems.join('\n');
    for (const variable of ['LEDGER_REGISTRY_ADDRESS', 'API_PORT', 'TEMPORAL_ADDRESS', 'LEDGER_RPC_URL']) {
      expect(problems).toContain(variable);
    }
    expect(problems).toContain('LEDGER_REGISTRY_ADDRESS: expected a 0x-prefixed 20-byte address');
  });

  it('requires the contract addresses, which have no sensible default', () => {
    expect(() => loadConfig({})).toThrow(/LEDGER_REGISTRY_ADDRESS[\s\S]*LEDGER_EVIDENCE_ADDRESS/);
  });

  it('takes the signer from a raw key or a keystore, and refuses both at once', () => {
    const key = `0x${'ab'.repeat(32)}`;
    expect(loadConfig({ ...REQUIRED, LEDGER_SIGNER_KEY: key }).ledger.signer).toEqual({ kind: 'key', privateKey: key });
    expect(
      loadConfig({ ...REQUIRED, LEDGER_KEYSTORE_FILE: '/secrets/signer.json', LEDGER_KEYSTORE_PASSWORD: 'pw' }).ledger
        .signer,
    ).toEqual({ kind: 'keystore', file: '/secrets/signer.json', password: 'pw' });
    expect(() =>
      loadConfig({ ...REQUIRED, LEDGER_SIGNER_KEY: key, LEDGER_KEYSTORE_FILE: '/secrets/signer.json' }),
    ).toThrow(/choose one/);
    expect(() => loadConfig({ ...REQUIRED, LEDGER_KEYSTORE_FILE: '/secrets/signer.json' })).toThrow(
      /LEDGER_KEYSTORE_PASSWORD/,
    );
    expect(() => loadConfig({ ...REQUIRED, LEDGER_SIGNER_KEY: '0x1234' })).toThrow(/LEDGER_SIGNER_KEY/);
  });

  it('accepts legacy gas pricing for chains without a base fee, and nothing else', () => {
    expect(loadConfig({ ...REQUIRED, LEDGER_GAS_PRICING: 'legacy' }).ledger.gasPricing).toBe('legacy');
    expect(() => loadConfig({ ...REQUIRED, LEDGER_GAS_PRICING: 'cheap' })).toThrow(/LEDGER_GAS_PRICING/);
  });
});
