/**
 * The Temporal connection settings: TLS, mTLS and API keys read and checked at start-up, and the
 * one set of SDK connection options both the API's client and the worker connect with.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Connection, type ConnectionOptions } from '@temporalio/client';
import { type NativeConnectionOptions } from '@temporalio/worker';
import { ConfigurationError, loadConfig } from '#config';
import { temporalConnectionOptions, temporalTransport } from '#temporal';

const REQUIRED = {
  LEDGER_REGISTRY_ADDRESS: '0x5FbDB2315678afecb367f032d93F642f64180aa3',
  LEDGER_EVIDENCE_ADDRESS: '0xe7f1725E7734CE288F8367e1Bb143E90bb3F0512',
  CODEC_KEYS: `k1:${'1f'.repeat(32)}`,
  TEMPORAL_ADDRESS: 'temporal.example.test:7233',
};
const API_KEY = 'tcld-api-key.sentinel-4471';

const dir = mkdtempSync(join(tmpdir(), 'lendbridge-temporal-tls-'));
const path = (name: string): string => join(dir, name);
const openssl = (...args: string[]): void => {
  execFileSync('openssl', args, { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
};

/** A CA, a client certificate it signed, a stray key, an encrypted key and an expired certificate. */
beforeAll(() => {
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes'];
  openssl('req', '-x509', ...ec, '-keyout', 'ca.key', '-out', 'ca.pem', '-days', '2', '-subj', '/CN=test CA');
  openssl('req', '-new', ...ec, '-keyout', 'client.key', '-out', 'client.csr', '-subj', '/CN=lendbridge-worker');
  openssl(
    'x509',
    '-req',
    '-in',
    'client.csr',
    '-CA',
    'ca.pem',
    '-CAkey',
    'ca.key',
    '-CAcreateserial',
    '-days',
    '2',
    '-out',
    'client.pem',
  );
  openssl('genpkey', '-algorithm', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-out', 'stray.key');
  openssl('pkcs8', '-topk8', '-in', 'client.key', '-out', 'encrypted.key', '-passout', 'pass:sentinel-pass');
  // OpenSSL 3.0's `req`/`x509` refuse a validity in the past; `ca` takes explicit dates.
  mkdirSync(path('old'));
  writeFileSync(path('old/index.txt'), '');
  writeFileSync(path('old/serial'), '01\n');
  writeFileSync(
    path('old/ca.cnf'),
    '[ca]\ndefault_ca = old\n[old]\ndatabase = old/index.txt\nnew_certs_dir = old\nserial = old/serial\n' +
      'default_md = sha256\npolicy = any\n[any]\ncommonName = supplied\n',
  );
  openssl('req', '-new', ...ec, '-keyout', 'expired.key', '-out', 'expired.csr', '-subj', '/CN=expired');
  openssl(
    'ca',
    '-batch',
    '-config',
    'old/ca.cnf',
    '-selfsign',
    '-keyfile',
    'expired.key',
    '-in',
    'expired.csr',
    '-startdate',
    '20200101000000Z',
    '-enddate',
    '20200102000000Z',
    '-notext',
    '-out',
    'expired.pem',
  );
  writeFileSync(path('not-pem.pem'), 'this is not a certificate\n');
  writeFileSync(path('empty.pem'), '');
  writeFileSync(path('api-key'), `${API_KEY}\n`);
  writeFileSync(path('api-key-two-lines'), `${API_KEY}\nsecond-line-sentinel\n`);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The problems an environment is refused with, checked never to quote key material. */
function problems(env: Record<string, string>): string {
  let caught: unknown;
  try {
    loadConfig({ ...REQUIRED, ...env });
  } catch (error) {
    caught = error;
  }
  expect(caught).toBeInstanceOf(ConfigurationError);
  const text = (caught as ConfigurationError).problems.join('\n');
  const secrets = [API_KEY, 'second-line-sentinel', 'sentinel-pass', 'PRIVATE KEY', 'BEGIN', 'MII'];
  for (const secret of secrets) expect(text).not.toContain(secret);
  return text;
}

describe('loadConfig: the Temporal connection', () => {
  it('stays plaintext by default, as the local dev server speaks', () => {
    const temporal = loadConfig(REQUIRED).temporal;
    expect(temporal.tls).toBeUndefined();
    expect(temporal.apiKey).toBeUndefined();
    expect(temporalConnectionOptions(temporal)).toEqual({ address: 'temporal.example.test:7233' });
    expect(temporalTransport(temporal)).toBe('plaintext');
  });

  it('turns on TLS that checks the server against the system roots with TEMPORAL_TLS=true', () => {
    const temporal = loadConfig({ ...REQUIRED, TEMPORAL_TLS: 'true' }).temporal;
    expect(temporal.tls).toEqual({});
    expect(temporalConnectionOptions(temporal)).toEqual({ address: 'temporal.example.test:7233', tls: {} });
    expect(temporalTransport(temporal)).toBe('TLS');
    expect(loadConfig({ ...REQUIRED, TEMPORAL_TLS: 'false' }).temporal.tls).toBeUndefined();
  });

  it('checks the server against a private CA under another name: both imply TLS', () => {
    const temporal = loadConfig({
      ...REQUIRED,
      TEMPORAL_TLS_CA_FILE: path('ca.pem'),
      TEMPORAL_TLS_SERVER_NAME: 'frontend.temporal.internal',
    }).temporal;
    expect(temporal.tls).toEqual({
      serverName: 'frontend.temporal.internal',
      caCertificate: readFileSync(path('ca.pem')),
    });
    expect(temporalConnectionOptions(temporal)).toEqual({
      address: 'temporal.example.test:7233',
      tls: { serverNameOverride: 'frontend.temporal.internal', serverRootCACertificate: readFileSync(path('ca.pem')) },
    });
  });

  it('reads a client certificate and its key for mTLS', () => {
    const temporal = loadConfig({
      ...REQUIRED,
      TEMPORAL_TLS_CERT_FILE: path('client.pem'),
      TEMPORAL_TLS_KEY_FILE: path('client.key'),
      TEMPORAL_TLS_CA_FILE: path('ca.pem'),
    }).temporal;
    expect(temporal.tls).toEqual({
      caCertificate: readFileSync(path('ca.pem')),
      clientCertificate: { certificate: readFileSync(path('client.pem')), key: readFileSync(path('client.key')) },
    });
    expect(temporal.apiKey).toBeUndefined();
    expect(temporalConnectionOptions(temporal)).toEqual({
      address: 'temporal.example.test:7233',
      tls: {
        serverRootCACertificate: readFileSync(path('ca.pem')),
        clientCertPair: { crt: readFileSync(path('client.pem')), key: readFileSync(path('client.key')) },
      },
    });
    expect(temporalTransport(temporal)).toBe('mTLS');
  });

  it('refuses a client certificate without its key, and a key without its certificate', () => {
    expect(problems({ TEMPORAL_TLS_CERT_FILE: path('client.pem') })).toMatch(
      /^TEMPORAL_TLS_KEY_FILE: required with TEMPORAL_TLS_CERT_FILE$/,
    );
    expect(problems({ TEMPORAL_TLS_KEY_FILE: path('client.key') })).toMatch(
      /^TEMPORAL_TLS_CERT_FILE: required with TEMPORAL_TLS_KEY_FILE$/,
    );
  });

  it('sends an API key over TLS, from the environment or a file', () => {
    const inline = loadConfig({ ...REQUIRED, TEMPORAL_API_KEY: API_KEY }).temporal;
    expect(inline.apiKey).toBe(API_KEY);
    expect(inline.tls).toEqual({});
    expect(temporalConnectionOptions(inline)).toEqual({
      address: 'temporal.example.test:7233',
      tls: {},
      apiKey: API_KEY,
    });
    expect(temporalTransport(inline)).toBe('TLS with API key');
    // The file's trailing newline is not part of the key.
    const fromFile = loadConfig({ ...REQUIRED, TEMPORAL_API_KEY_FILE: path('api-key') }).temporal;
    expect(fromFile.apiKey).toBe(API_KEY);
    const withCa = loadConfig({ ...REQUIRED, TEMPORAL_API_KEY: API_KEY, TEMPORAL_TLS_CA_FILE: path('ca.pem') });
    expect(temporalConnectionOptions(withCa.temporal).tls).toEqual({
      serverRootCACertificate: readFileSync(path('ca.pem')),
    });
  });

  it('refuses an API key together with a client certificate, or given twice', () => {
    const mtls = { TEMPORAL_TLS_CERT_FILE: path('client.pem'), TEMPORAL_TLS_KEY_FILE: path('client.key') };
    expect(problems({ ...mtls, TEMPORAL_API_KEY: API_KEY })).toContain(
      'TEMPORAL_API_KEY and TEMPORAL_TLS_CERT_FILE/TEMPORAL_TLS_KEY_FILE are both set: ' +
        'authenticate with an API key or a client certificate, not both',
    );
    expect(problems({ ...mtls, TEMPORAL_API_KEY_FILE: path('api-key') })).toMatch(
      /^TEMPORAL_API_KEY_FILE and TEMPORAL_TLS_CERT_FILE\/TEMPORAL_TLS_KEY_FILE are both set/,
    );
    expect(problems({ TEMPORAL_API_KEY: API_KEY, TEMPORAL_API_KEY_FILE: path('api-key') })).toBe(
      'TEMPORAL_API_KEY and TEMPORAL_API_KEY_FILE are both set: choose one',
    );
  });

  it('refuses an API key that cannot be a bearer token, without quoting it', () => {
    expect(problems({ TEMPORAL_API_KEY: `${API_KEY} second-line-sentinel` })).toBe(
      'TEMPORAL_API_KEY: expected printable ASCII without spaces',
    );
    expect(problems({ TEMPORAL_API_KEY_FILE: path('api-key-two-lines') })).toBe(
      `TEMPORAL_API_KEY_FILE: ${path('api-key-two-lines')} does not hold one API key (printable ASCII without spaces)`,
    );
  });

  it('refuses TEMPORAL_TLS=false beside settings that need TLS, and any value but true or false', () => {
    expect(problems({ TEMPORAL_TLS: 'false', TEMPORAL_TLS_CA_FILE: path('ca.pem') })).toBe(
      'TEMPORAL_TLS: false, but TEMPORAL_TLS_CA_FILE needs TLS',
    );
    expect(problems({ TEMPORAL_TLS: 'false', TEMPORAL_API_KEY: API_KEY })).toBe(
      'TEMPORAL_TLS: false, but TEMPORAL_API_KEY needs TLS',
    );
    expect(problems({ TEMPORAL_TLS: 'yes' })).toBe('TEMPORAL_TLS: expected true or false');
    expect(problems({ TEMPORAL_TLS_SERVER_NAME: 'not a host' })).toBe('TEMPORAL_TLS_SERVER_NAME: expected a host name');
  });

  it.each([
    ['TEMPORAL_TLS_CA_FILE', 'a missing file', 'absent.pem', /cannot read .*absent\.pem: ENOENT$/],
    ['TEMPORAL_TLS_CA_FILE', 'a directory', '.', /cannot read .*: EISDIR$/],
    ['TEMPORAL_TLS_CA_FILE', 'an empty file', 'empty.pem', /empty\.pem is empty$/],
    ['TEMPORAL_TLS_CA_FILE', 'a file that is not PEM', 'not-pem.pem', /not-pem\.pem holds no PEM certificate$/],
    ['TEMPORAL_TLS_CA_FILE', 'a key instead of a certificate', 'client.key', /client\.key holds no PEM certificate$/],
    ['TEMPORAL_API_KEY_FILE', 'a missing file', 'absent-key', /cannot read .*absent-key: ENOENT$/],
    ['TEMPORAL_API_KEY_FILE', 'an empty file', 'empty.pem', /empty\.pem is empty$/],
  ])('refuses %s naming %s', (variable, _what, file, message) => {
    const text = problems({ [variable]: path(file) });
    expect(text.startsWith(`${variable}: `)).toBe(true);
    expect(text).toMatch(message);
  });

  it('refuses unreadable, mismatched, encrypted or expired client credentials', () => {
    const cert = (file: string) => ({ TEMPORAL_TLS_CERT_FILE: path(file) });
    const key = (file: string) => ({ TEMPORAL_TLS_KEY_FILE: path(file) });
    expect(problems({ ...cert('absent.pem'), ...key('client.key') })).toMatch(
      /^TEMPORAL_TLS_CERT_FILE: cannot read .*absent\.pem: ENOENT$/,
    );
    expect(problems({ ...cert('client.pem'), ...key('absent.key') })).toMatch(
      /^TEMPORAL_TLS_KEY_FILE: cannot read .*absent\.key: ENOENT$/,
    );
    expect(problems({ ...cert('client.pem'), ...key('client.pem') })).toMatch(
      /^TEMPORAL_TLS_KEY_FILE: .*client\.pem holds no PEM private key$/,
    );
    expect(problems({ ...cert('client.pem'), ...key('stray.key') })).toBe(
      `TEMPORAL_TLS_KEY_FILE: the key in ${path('stray.key')} does not belong to the certificate in ` +
        `${path('client.pem')} (TEMPORAL_TLS_CERT_FILE)`,
    );
    expect(problems({ ...cert('client.pem'), ...key('encrypted.key') })).toMatch(
      /^TEMPORAL_TLS_KEY_FILE: the key in .*encrypted\.key is encrypted/,
    );
    expect(problems({ ...cert('expired.pem'), ...key('expired.key') })).toMatch(
      /^TEMPORAL_TLS_CERT_FILE: the certificate in .*expired\.pem expired on 2020-01-02T00:00:00\.000Z$/,
    );
  });

  it('lists every Temporal problem at once', () => {
    const text = problems({
      TEMPORAL_TLS: 'false',
      TEMPORAL_TLS_CERT_FILE: path('client.pem'),
      TEMPORAL_API_KEY: API_KEY,
      TEMPORAL_API_KEY_FILE: path('api-key'),
      TEMPORAL_TLS_CA_FILE: path('absent.pem'),
    }).split('\n');
    expect(text).toEqual([
      'TEMPORAL_TLS_KEY_FILE: required with TEMPORAL_TLS_CERT_FILE',
      'TEMPORAL_API_KEY and TEMPORAL_API_KEY_FILE are both set: choose one',
      'TEMPORAL_API_KEY and TEMPORAL_TLS_CERT_FILE/TEMPORAL_TLS_KEY_FILE are both set: ' +
        'authenticate with an API key or a client certificate, not both',
      'TEMPORAL_TLS: false, but TEMPORAL_TLS_CERT_FILE, TEMPORAL_TLS_CA_FILE, TEMPORAL_API_KEY, ' +
        'TEMPORAL_API_KEY_FILE need TLS',
      `TEMPORAL_TLS_CA_FILE: cannot read ${path('absent.pem')}: ENOENT`,
    ]);
  });
});

describe('temporalConnectionOptions', () => {
  const mtls = () =>
    loadConfig({
      ...REQUIRED,
      TEMPORAL_ADDRESS: '127.0.0.1:1',
      TEMPORAL_TLS_CERT_FILE: path('client.pem'),
      TEMPORAL_TLS_KEY_FILE: path('client.key'),
      TEMPORAL_TLS_CA_FILE: path('ca.pem'),
      TEMPORAL_TLS_SERVER_NAME: 'localhost',
    }).temporal;

  it('fits both SDK connection kinds, the client and the worker', () => {
    // Compile-time: the same object is the client's and the worker's options.
    const forClient: ConnectionOptions = temporalConnectionOptions(mtls());
    const forWorker: NativeConnectionOptions = temporalConnectionOptions(mtls());
    expect(forWorker).toEqual(forClient);
  });

  it('is accepted by the client, which builds its TLS credentials from it', async () => {
    // A lazy connection builds its channel credentials (parsing the PEM) now and dials on first use.
    const connection = Connection.lazy(temporalConnectionOptions(mtls()));
    expect(connection.options.credentials._isSecure()).toBe(true);
    expect(connection.options.channelArgs['grpc.ssl_target_name_override']).toBe('localhost');
    await connection.close();
    const plaintext = Connection.lazy(temporalConnectionOptions(loadConfig(REQUIRED).temporal));
    expect(plaintext.options.credentials._isSecure()).toBe(false);
    await plaintext.close();
  });

  it('never carries more than the address, TLS and the API key', () => {
    const options = temporalConnectionOptions({
      address: 'h:1',
      tls: { serverName: 'n' },
      apiKey: 'k',
    });
    expect(Object.keys(options).sort()).toEqual(['address', 'apiKey', 'tls']);
    expect(temporalConnectionOptions({ address: 'h:1', apiKey: 'k' }).tls).toEqual({});
  });
});
