import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigurationError, environmentFor, loadConfig } from '#config';
import { DEFAULT_DOCUMENT_CONFIGURATION } from '#domain';
import { generateWebhookSecret } from '#webhooks';

const REGISTRY = '0x5FbDB2315678afecb367f032d93F642f64180aa3';
const EVIDENCE = '0xe7f1725E7734CE288F8367e1Bb143E90bb3F0512';
const KEY_1 = '1f'.repeat(32);
const KEY_2 = '2e'.repeat(32);
const REQUIRED = { LEDGER_REGISTRY_ADDRESS: REGISTRY, LEDGER_EVIDENCE_ADDRESS: EVIDENCE, CODEC_KEYS: `k1:${KEY_1}` };

describe('loadConfig', () => {
  it('fills in the local-stack defaults when only the required settings are given', () => {
    const config = loadConfig(REQUIRED);
    expect(config.api).toEqual({
      host: '127.0.0.1',
      port: 3000,
      corsOrigins: ['http://127.0.0.1:8233'],
      bodyLimitBytes: 64 * 1024,
      reportMaxBytes: 10 * 1024 * 1024,
      rateLimitPerMinute: 1200,
      trustProxy: 0,
      temporalTimeoutMs: 10_000,
      supervisionMinCellCount: 5,
    });
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

  it("refuses a supervisor's threshold so low that a count would single out one application or two", () => {
    for (const value of ['1', '2', '0', '2.5']) {
      expect(() => loadConfig({ ...REQUIRED, SUPERVISION_MIN_CELL_COUNT: value })).toThrow(
        /SUPERVISION_MIN_CELL_COUNT/,
      );
    }
    expect(loadConfig({ ...REQUIRED, SUPERVISION_MIN_CELL_COUNT: '3' }).api.supervisionMinCellCount).toBe(3);
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

  it('takes the lender evidence must be recorded for as an address, and nothing else', () => {
    const lender = '0x70997970C51812dc3A010C7d01b50e0d17dc79C8';
    expect(loadConfig({ ...REQUIRED, LEDGER_EVIDENCE_MEMBER: lender }).ledger.evidenceMember).toBe(lender);
    expect(loadConfig(REQUIRED).ledger).not.toHaveProperty('evidenceMember');
    expect(() => loadConfig({ ...REQUIRED, LEDGER_EVIDENCE_MEMBER: 'lendbridge' })).toThrow(
      /LEDGER_EVIDENCE_MEMBER: expected a 0x-prefixed 20-byte address/,
    );
  });

  it('accepts legacy gas pricing for chains without a base fee, and nothing else', () => {
    expect(loadConfig({ ...REQUIRED, LEDGER_GAS_PRICING: 'legacy' }).ledger.gasPricing).toBe('legacy');
    expect(() => loadConfig({ ...REQUIRED, LEDGER_GAS_PRICING: 'cheap' })).toThrow(/LEDGER_GAS_PRICING/);
  });
});

describe('loadConfig: payload codec keys', () => {
  const dir = mkdtempSync(join(tmpdir(), 'lendbridge-codec-keys-'));
  const { CODEC_KEYS: _inline, ...withoutKeys } = REQUIRED;
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  function keysFile(name: string, content: unknown): string {
    const file = join(dir, name);
    writeFileSync(file, typeof content === 'string' ? content : JSON.stringify(content));
    return file;
  }

  /** The problems a bad environment is refused with, checked never to quote key material. */
  function problems(env: Record<string, string>): string {
    let caught: unknown;
    try {
      loadConfig({ ...withoutKeys, ...env });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ConfigurationError);
    const text = (caught as ConfigurationError).problems.join('\n');
    for (const key of [KEY_1, KEY_2, KEY_1.toUpperCase()]) expect(text).not.toContain(key);
    return text;
  }

  it('reads inline keys, the first one encrypting', () => {
    expect(loadConfig({ ...withoutKeys, CODEC_KEYS: `k2:${KEY_2}, k1:${KEY_1}` }).codec).toEqual({
      activeKeyId: 'k2',
      keys: { k2: KEY_2, k1: KEY_1 },
    });
  });

  it('reads a keys file, whose activeKeyId may name any of its keys', () => {
    const file = keysFile('keys.json', { activeKeyId: 'k1', keys: { k1: KEY_1, 'k-2.b_c': KEY_2 } });
    expect(loadConfig({ ...withoutKeys, CODEC_KEYS_FILE: file }).codec).toEqual({
      activeKeyId: 'k1',
      keys: { k1: KEY_1, 'k-2.b_c': KEY_2 },
    });
  });

  it('requires keys, since nothing runs unencrypted, and refuses both sources at once', () => {
    expect(problems({})).toMatch(/CODEC_KEYS: required/);
    expect(problems({ CODEC_KEYS: '' })).toMatch(/CODEC_KEYS: required/);
    const file = keysFile('both.json', { activeKeyId: 'k1', keys: { k1: KEY_1 } });
    expect(problems({ CODEC_KEYS: `k1:${KEY_1}`, CODEC_KEYS_FILE: file })).toMatch(/both set: choose one/);
  });

  it.each([
    ['uppercase hex', `k1:${KEY_1.toUpperCase()}`],
    ['a short key', `k1:${KEY_1.slice(2)}`],
    ['no key id', `:${KEY_1}`],
    ['no key', 'k1'],
    ['a key id with a space', `k 1:${KEY_1}`],
    ['a key id longer than 32 characters', `${'k'.repeat(33)}:${KEY_1}`],
    ['an extra field', `k1:${KEY_1}:extra`],
    ['an empty entry', `k1:${KEY_1},`],
  ])('refuses inline keys with %s', (_name, value) => {
    expect(problems({ CODEC_KEYS: value })).toMatch(/CODEC_KEYS: expected <key id>:<64 lowercase hex>/);
  });

  it('refuses an inline key id given twice', () => {
    expect(problems({ CODEC_KEYS: `k1:${KEY_1},k1:${KEY_2}` })).toMatch(/key id k1 appears twice/);
  });

  it('refuses a keys file that is missing, not JSON, or not the expected shape', () => {
    expect(problems({ CODEC_KEYS_FILE: join(dir, 'absent.json') })).toMatch(/CODEC_KEYS_FILE: cannot read/);
    expect(problems({ CODEC_KEYS_FILE: keysFile('broken.json', '{"activeKeyId": ') })).toMatch(
      /CODEC_KEYS_FILE: cannot read/,
    );
    expect(
      problems({ CODEC_KEYS_FILE: keysFile('upper.json', { activeKeyId: 'k1', keys: { k1: KEY_1.toUpperCase() } }) }),
    ).toMatch(/CODEC_KEYS_FILE: keys\.k1: expected 64 lowercase hex characters/);
    expect(problems({ CODEC_KEYS_FILE: keysFile('nokeys.json', { activeKeyId: 'k1' }) })).toMatch(
      /CODEC_KEYS_FILE: keys:/,
    );
    expect(problems({ CODEC_KEYS_FILE: keysFile('array.json', [KEY_1]) })).toMatch(/CODEC_KEYS_FILE/);
  });

  it('refuses a keys file whose activeKeyId is not among its keys', () => {
    const file = keysFile('inactive.json', { activeKeyId: 'k3', keys: { k1: KEY_1, k2: KEY_2 } });
    expect(problems({ CODEC_KEYS_FILE: file })).toMatch(/activeKeyId k3 is not among the keys/);
  });
});

describe('loadConfig: webhook endpoints', () => {
  const dir = mkdtempSync(join(tmpdir(), 'lendbridge-webhooks-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const SECRET_A = generateWebhookSecret();
  const SECRET_B = generateWebhookSecret(24);

  function endpointsFile(content: unknown): string {
    const file = join(dir, `endpoints-${Math.random().toString(36).slice(2)}.json`);
    writeFileSync(file, typeof content === 'string' ? content : JSON.stringify(content));
    return file;
  }

  function problems(content: unknown): string {
    try {
      loadConfig({ ...REQUIRED, WEBHOOK_ENDPOINTS_FILE: endpointsFile(content) });
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigurationError);
      return (error as ConfigurationError).problems.join('\n');
    }
    throw new Error('expected a ConfigurationError');
  }

  it("reads each tenant's url and secrets", () => {
    const endpoints = {
      'bank-a': { url: 'https://los.bank-a.example/lendbridge/events', secrets: [SECRET_A] },
      'bank-b': { url: 'http://127.0.0.1:4000/events', secrets: [SECRET_B, SECRET_A] },
    };
    expect(loadConfig({ ...REQUIRED, WEBHOOK_ENDPOINTS_FILE: endpointsFile(endpoints) }).webhook).toEqual({
      endpoints,
    });
  });

  it('sends no webhooks when unset', () => {
    expect(loadConfig(REQUIRED).webhook).toEqual({});
  });

  it.each([
    [
      'a tenant id outside the tenant alphabet',
      { 'bank a': { url: 'https://x.example', secrets: [SECRET_A] } },
      /bank a: a tenant id is 1-64 characters/,
    ],
    [
      'plain http to another machine',
      { 'bank-a': { url: 'http://los.example/events', secrets: [SECRET_A] } },
      /bank-a\.url: expected an https URL/,
    ],
    ['no url', { 'bank-a': { secrets: [SECRET_A] } }, /bank-a\.url/],
    ['no secret', { 'bank-a': { url: 'https://x.example', secrets: [] } }, /bank-a\.secrets: at least one secret/],
    [
      'a secret without whsec_',
      { 'bank-a': { url: 'https://x.example', secrets: ['MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw'] } },
      /bank-a\.secrets\.0: expected whsec_/,
    ],
    [
      'a key shorter than 24 bytes',
      { 'bank-a': { url: 'https://x.example', secrets: [`whsec_${Buffer.alloc(16, 1).toString('base64')}`] } },
      /bank-a\.secrets\.0: expected whsec_/,
    ],
    [
      'the same secret twice',
      { 'bank-a': { url: 'https://x.example', secrets: [SECRET_A, SECRET_A] } },
      /bank-a\.secrets: a secret appears twice/,
    ],
    ['an unknown field', { 'bank-a': { url: 'https://x.example', secrets: [SECRET_A], secret: SECRET_A } }, /bank-a/],
    ['not JSON', 'whsec_abc', /not a JSON document/],
    ['a URL without a scheme', { 'bank-a': { url: 'a.example/hook', secrets: [SECRET_A] } }, /bank-a\.url/],
    ['a URL missing its colon', { 'bank-a': { url: 'https//a.example', secrets: [SECRET_A] } }, /bank-a\.url/],
    [
      'a URL with a user name and password',
      { 'bank-a': { url: 'https://user:hunter2@a.example/h', secrets: [SECRET_A] } },
      /bank-a\.url: no user name or password/,
    ],
  ])('refuses %s, without quoting a secret', (_name, content, message) => {
    const text = problems(content);
    expect(text).toMatch(message);
    expect(text).not.toContain(SECRET_A.slice(6));
    expect(text).not.toContain('MfKQ9r8');
    expect(text).not.toContain('hunter2');
  });

  it('names a file it cannot read', () => {
    expect(() => loadConfig({ ...REQUIRED, WEBHOOK_ENDPOINTS_FILE: join(dir, 'missing.json') })).toThrow(
      /WEBHOOK_ENDPOINTS_FILE: cannot read .*missing\.json: ENOENT/,
    );
  });
});

describe('loadConfig: document kinds and requirements', () => {
  const dir = mkdtempSync(join(tmpdir(), 'lendbridge-documents-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const file = (name: string, content: string): string => {
    writeFileSync(join(dir, name), content);
    return join(dir, name);
  };

  it('is the standard kinds and default requirements without DOCUMENT_POLICY_FILE', () => {
    expect(loadConfig(REQUIRED).documents).toBe(DEFAULT_DOCUMENT_CONFIGURATION);
  });

  it("reads the file's kinds and requirements with the domain's parser", () => {
    const content = {
      catalogue: {
        kinds: {
          'tax-clearance': { dataCategory: 'tax-record', fields: { year: { type: 'integer', min: 2000, max: 2100 } } },
        },
      },
      requirements: [
        {
          product: 'trade-finance',
          applicantType: 'company',
          direction: 'southbound',
          slots: [{ slot: 'tax', kind: 'tax-clearance', subject: 'applicant' }],
        },
      ],
    };
    const documents = loadConfig({
      ...REQUIRED,
      DOCUMENT_POLICY_FILE: file('ok.json', JSON.stringify(content)),
    }).documents;
    expect(documents.requirements).toEqual(content.requirements);
    expect(documents.catalogue.kinds['tax-clearance']?.dataCategory).toBe('tax-record');
  });

  it('refuses to start on a bad file, naming each problem and not quoting the file', () => {
    const bad = file(
      'bad.json',
      JSON.stringify({ requirements: [{ product: 'x', applicantType: 'robot', direction: 'up', slots: [] }] }),
    );
    expect(() => loadConfig({ ...REQUIRED, DOCUMENT_POLICY_FILE: bad })).toThrow(
      /DOCUMENT_POLICY_FILE: requirements\.0\.applicantType: must be one of person, company[\s\S]*requirements\.0\.direction/,
    );
    expect(() => loadConfig({ ...REQUIRED, DOCUMENT_POLICY_FILE: file('text.json', 'secret-ish {') })).toThrow(
      /DOCUMENT_POLICY_FILE: cannot read .*text\.json: not a JSON document$/,
    );
  });
});

describe('environmentFor', () => {
  const shell = {
    PATH: '/usr/bin',
    API_PORT: '3000',
    AUTH_JWT_SECRET: 's'.repeat(32),
    LEDGER_RPC_URL: 'http://127.0.0.1:8545',
    LEDGER_SIGNER_KEY: `0x${'11'.repeat(32)}`,
    EVIDENCE_REFERENCE_KEY: 'ab'.repeat(32),
    WEBHOOK_ENDPOINTS_FILE: '/run/secrets/webhook-endpoints.json',
    ACTION_SIGNING_KEY: 'k1:secret',
  };

  it("keeps a worker's secrets out of an API's environment, and the API's signing key out of a worker's", () => {
    expect(environmentFor('API', shell)).toEqual({
      PATH: '/usr/bin',
      API_PORT: '3000',
      AUTH_JWT_SECRET: 's'.repeat(32),
      LEDGER_RPC_URL: 'http://127.0.0.1:8545',
      ACTION_SIGNING_KEY: 'k1:secret',
    });
    const worker = environmentFor('worker', shell);
    expect(Object.keys(worker).sort()).toEqual(
      ['PATH', 'LEDGER_RPC_URL', 'LEDGER_SIGNER_KEY', 'EVIDENCE_REFERENCE_KEY', 'WEBHOOK_ENDPOINTS_FILE'].sort(),
    );
  });
});
