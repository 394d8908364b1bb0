/**
 * The API and the worker reach a Temporal server that demands client certificates (mTLS) with
 * nothing but the TEMPORAL_TLS_* settings, and a client without a certificate, or with one another
 * CA signed, is refused. The server is the production topology's (tools/stack/temporal-cluster.ts:
 * temporal-server on PostgreSQL, built by scripts/temporal-server.sh) with mTLS on its frontend, on
 * free ports of 127.0.0.1; every certificate is made here, with openssl, for this run only.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Connection } from '@temporalio/client';
import { NativeConnection, TransportError } from '@temporalio/worker';
import request from 'supertest';
import { startPostgres, type RunningPostgres } from '#stack/postgres';
import { startTemporalCluster, type RunningTemporalCluster } from '#stack/temporal-cluster';
import { temporalConnectionOptions, type TemporalConnectionOptions } from '#temporal';
import { partyTokens, startApiStack, type ApiStack, type Party } from '#test-support/api-stack';
import { testTemporalConfig } from '#test-support/config';

const NAMESPACE = 'default';

interface Pem {
  cert: string;
  key: string;
}

interface Certificates {
  ca: string;
  server: Pem;
  /** lendbridge's API and worker. */
  client: Pem;
  /** The cluster's own: its system workers, its Web UI and its setup call the frontend too. */
  systemWorker: Pem;
  /** Signed by a CA the server does not trust. */
  stranger: Pem;
}

function makeCertificates(dir: string): Certificates {
  const openssl = (...args: string[]): void => {
    execFileSync('/usr/bin/openssl', args, { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
  };
  const newKey = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes'];
  const makeCa = (name: string): void =>
    openssl(
      ...['req', '-x509', ...newKey, '-keyout', `${name}.key`, '-out', `${name}.pem`, '-days', '1'],
      ...['-subj', `/CN=lendbridge test ${name}`],
      ...['-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign'],
    );
  const issue = (ca: string, name: string, extensions: string): Pem => {
    openssl('req', '-new', ...newKey, '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', `/CN=${name}`);
    writeFileSync(join(dir, `${name}.ext`), extensions);
    openssl(
      ...['x509', '-req', '-in', `${name}.csr`, '-days', '1', '-extfile', `${name}.ext`, '-out', `${name}.pem`],
      ...['-CA', `${ca}.pem`, '-CAkey', `${ca}.key`, '-CAcreateserial'],
    );
    return { cert: join(dir, `${name}.pem`), key: join(dir, `${name}.key`) };
  };
  makeCa('ca');
  makeCa('stranger-ca');
  const clientAuth = 'extendedKeyUsage = clientAuth\n';
  return {
    ca: join(dir, 'ca.pem'),
    server: issue('ca', 'server', 'subjectAltName = IP:127.0.0.1, DNS:localhost\nextendedKeyUsage = serverAuth\n'),
    client: issue('ca', 'lendbridge', clientAuth),
    systemWorker: issue('ca', 'system-worker', clientAuth),
    stranger: issue('stranger-ca', 'stranger', clientAuth),
  };
}

/** Connection options exactly as lendbridge builds them from its environment. */
function optionsFor(env: Record<string, string>): TemporalConnectionOptions {
  return temporalConnectionOptions(testTemporalConfig(env));
}

/** Connects and makes one call, as the API's client does. */
async function clientCall(options: TemporalConnectionOptions): Promise<void> {
  const connection = await Connection.connect({ ...options, connectTimeout: 3_000 });
  try {
    await connection.workflowService.getSystemInfo({});
  } finally {
    await connection.close();
  }
}

/** Connects and makes one call, as the worker's connection does. */
async function nativeCall(options: TemporalConnectionOptions): Promise<void> {
  const connection = await NativeConnection.connect(options);
  try {
    await connection.workflowService.getSystemInfo({});
  } finally {
    await connection.close();
  }
}

describe('Temporal over mTLS: the API and the worker connect, strangers are refused', () => {
  const dir = mkdtempSync(join(tmpdir(), 'lendbridge-mtls-'));
  let certs: Certificates;
  let postgres: RunningPostgres | undefined;
  let cluster: RunningTemporalCluster | undefined;
  let address: string;
  /** The TEMPORAL_* settings of an API or worker that holds lendbridge's certificate. */
  let tlsEnv: Record<string, string>;
  let stack: ApiStack | undefined;
  let tokens: Record<Party, string>;

  beforeAll(async () => {
    certs = makeCertificates(dir);
    postgres = await startPostgres({ output: 'silent' });
    // The cluster sets up its namespace and lendbridge's search attributes over mTLS itself.
    cluster = await startTemporalCluster({
      postgres,
      namespace: NAMESPACE,
      tls: {
        serverCertFile: certs.server.cert,
        serverKeyFile: certs.server.key,
        caFile: certs.ca,
        clientCertFile: certs.systemWorker.cert,
        clientKeyFile: certs.systemWorker.key,
        serverName: 'localhost',
      },
      output: 'silent',
    });
    address = cluster.address;
    tlsEnv = {
      TEMPORAL_ADDRESS: address,
      TEMPORAL_NAMESPACE: NAMESPACE,
      TEMPORAL_TLS_CA_FILE: certs.ca,
      TEMPORAL_TLS_CERT_FILE: certs.client.cert,
      TEMPORAL_TLS_KEY_FILE: certs.client.key,
    };

    // The whole lendbridge stack, its API and worker pointed at the mTLS server by settings alone.
    stack = await startApiStack(tlsEnv);
    tokens = await partyTokens();
  }, 600_000);

  afterAll(async () => {
    await stack?.stop();
    await cluster?.stop();
    await postgres?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('starts an application through the HTTP API that the worker, over mTLS, answers', async () => {
    expect(stack!.config.temporal.address).toBe(address);
    expect(stack!.config.temporal.tls?.clientCertificate).toBeDefined();
    const api = () => request(stack!.url);

    // Created is the receipt (Temporal recorded the start); the read is answered by the worker's query.
    const created = await api()
      .post('/v1/applications')
      .set('Authorization', tokens.bankA)
      .send({
        applicationId: 'MTLS-1',
        loanSystemReference: 'LOS-MTLS-1',
        product: 'sme-credit-line',
        requestedLimit: { amount: '120000.00', currency: 'HKD' },
        applicantReference: 'pseudonym-mtls-0001',
        applicantType: 'person',
        direction: 'southbound',
        reviewJurisdiction: 'HK',
      })
      .expect(201);
    expect(created.body).toMatchObject({ applicationId: 'MTLS-1', stage: 'RECEIVED' });
    const read = await api().get('/v1/applications/MTLS-1').set('Authorization', tokens.bankA).expect(200);
    expect(read.body.stage).toBe('AWAITING_CONSENT');

    // The workflow lives on the mTLS server (the stack starts no other Temporal when given one).
    const connection = await Connection.connect(optionsFor(tlsEnv));
    try {
      const described = await connection.workflowService.describeWorkflowExecution({
        namespace: NAMESPACE,
        execution: { workflowId: created.body.workflowId as string },
      });
      expect(described.executionConfig?.taskQueue?.name).toBe(stack!.config.temporal.taskQueue);
    } finally {
      await connection.close();
    }

    // Readiness goes through the same connection (its details are for ops).
    const health = await api().get('/health/details').set('Authorization', tokens.ops).expect(200);
    expect(health.body.checks.temporal).toMatchObject({ status: 'up', address, namespace: NAMESPACE });
  });

  it('connects the client and the worker with TEMPORAL_TLS_SERVER_NAME too', async () => {
    const options = optionsFor({ ...tlsEnv, TEMPORAL_TLS_SERVER_NAME: 'localhost' });
    await clientCall(options);
    await nativeCall(options);
  });

  it('refuses a client certificate another CA signed, no client certificate, and plaintext', async () => {
    const stranger = optionsFor({
      ...tlsEnv,
      TEMPORAL_TLS_CERT_FILE: certs.stranger.cert,
      TEMPORAL_TLS_KEY_FILE: certs.stranger.key,
    });
    const { TEMPORAL_TLS_CERT_FILE: _cert, TEMPORAL_TLS_KEY_FILE: _key, ...serverAuthOnly } = tlsEnv;
    const anonymous = optionsFor(serverAuthOnly);
    expect(anonymous.tls?.clientCertPair).toBeUndefined();
    const plaintext = optionsFor({ TEMPORAL_ADDRESS: address });
    expect(plaintext.tls).toBeUndefined();
    for (const options of [stranger, anonymous, plaintext]) {
      // grpc-js keeps retrying the handshake until the deadline; Core reports the first failure.
      await expect(clientCall(options)).rejects.toThrow('Failed to connect before the deadline');
      await expect(nativeCall(options)).rejects.toThrow(TransportError);
    }
    // The same calls with lendbridge's own certificate go through: the refusals were the certificate's doing.
    await clientCall(optionsFor(tlsEnv));
    await nativeCall(optionsFor(tlsEnv));
  });
});
