import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { LENDBRIDGE_SEARCH_ATTRIBUTES, SearchAttributeKeys } from '#domain';
import { postgresBinDir, startPostgres, type RunningPostgres } from '#stack/postgres';
import { isListening, runningProcesses } from '#stack/processes';
import { startTemporalCluster, temporalServerDir, type RunningTemporalCluster } from '#stack/temporal-cluster';
import { indexedValueType } from '#temporal';
import { eventually } from '#test-support/eventually';

// The first run builds the Temporal server from Go modules (minutes); later runs start in seconds.
const FIRST_START_MS = 20 * 60_000;

/** One value of a psql query, run as the cluster's superuser over TCP (password required). */
function sql(postgres: RunningPostgres, binDir: string, database: string, query: string): string {
  return execFileSync(
    join(binDir, 'psql'),
    ['-h', postgres.host, '-p', String(postgres.port), '-U', postgres.user, '-d', database, '-Atc', query],
    { env: { ...process.env, PGPASSWORD: postgres.password } },
  )
    .toString()
    .trim();
}

/** Stops both, then proves nothing it started still runs or listens. */
async function stopAndCheck(cluster: RunningTemporalCluster | undefined, postgres: RunningPostgres | undefined) {
  await cluster?.stop();
  await postgres?.stop();
  expect(runningProcesses().map((proc) => proc.name)).toEqual([]);
  if (cluster) expect(await isListening(Number(cluster.address.split(':')[1]))).toBe(false);
  if (postgres) {
    expect(await isListening(postgres.port)).toBe(false);
    expect(existsSync(postgres.dir)).toBe(false);
  }
}

describe('Temporal cluster on PostgreSQL (production topology)', () => {
  let postgres: RunningPostgres | undefined;
  let cluster: RunningTemporalCluster | undefined;
  let connection: Connection;
  let pgBin: string;

  beforeAll(async () => {
    [pgBin] = await Promise.all([postgresBinDir(), temporalServerDir()]);
    postgres = await startPostgres();
    cluster = await startTemporalCluster({ postgres, shards: 4 });
    connection = await Connection.connect(cluster.connectionOptions);
  }, FIRST_START_MS);

  afterAll(async () => {
    await connection?.close();
    await stopAndCheck(cluster, postgres);
  }, 60_000);

  it('keeps history in PostgreSQL, spread over 4 shards', async () => {
    const info = await connection.workflowService.getClusterInfo({});
    expect(info.historyShardCount).toBe(4);
    expect(info.persistenceStore).toBe('postgres12');
    expect(info.visibilityStore).toBe('postgres12');
    // The history service takes every shard at start: one row each in PostgreSQL's own tables.
    await eventually(
      () => Promise.resolve(sql(postgres!, pgBin, 'temporal', 'SELECT count(*) FROM shards')),
      (count) => count === '4',
      'four shard rows',
    );
  });

  it('has the namespace with 30 days of retention and every lendbridge search attribute', async () => {
    const described = await connection.workflowService.describeNamespace({ namespace: cluster!.namespace });
    expect(Number(described.config?.workflowExecutionRetentionTtl?.seconds)).toBe(30 * 24 * 60 * 60);
    const listed = await connection.operatorService.listSearchAttributes({ namespace: cluster!.namespace });
    expect(listed.customAttributes).toEqual(
      Object.fromEntries(LENDBRIDGE_SEARCH_ATTRIBUTES.map((key) => [key.name, indexedValueType(key.type)])),
    );
  });

  it('answers visibility queries by those attributes from PostgreSQL', async () => {
    const client = new Client({ connection, namespace: cluster!.namespace });
    const workflowId = `loan/bank-a/CLUSTER-${Date.now()}`;
    // Nobody polls this task queue: the start alone writes the visibility record.
    const handle = await client.workflow.start('loanApplication', {
      taskQueue: 'cluster-stack-test',
      workflowId,
      typedSearchAttributes: [
        { key: SearchAttributeKeys.Tenant, value: 'bank-a' },
        { key: SearchAttributeKeys.LoanStage, value: 'AWAITING_CONSENT' },
        { key: SearchAttributeKeys.RequestedAmountMinor, value: 12_000_000 },
        { key: SearchAttributeKeys.ReviewDueAt, value: new Date('2030-01-02T03:04:05Z') },
      ],
    });
    try {
      const query = `Tenant = 'bank-a' AND LoanStage = 'AWAITING_CONSENT' AND RequestedAmountMinor > 1000000 AND ReviewDueAt > '2030-01-01T00:00:00Z'`;
      const found = await eventually(
        async () => {
          const ids: string[] = [];
          for await (const execution of client.workflow.list({ query })) ids.push(execution.workflowId);
          return ids;
        },
        (ids) => ids.length > 0,
        'the workflow listed by its search attributes',
      );
      expect(found).toEqual([workflowId]);
      const none = await client.workflow.count(`Tenant = 'bank-b'`);
      expect(none.count).toBe(0);
      const typed = (await handle.describe()).typedSearchAttributes;
      expect(typed.get(SearchAttributeKeys.RequestedAmountMinor)).toBe(12_000_000);
      const rows = sql(
        postgres!,
        pgBin,
        'temporal_visibility',
        `SELECT count(*) FROM executions_visibility WHERE workflow_id = '${workflowId}'`,
      );
      expect(rows).toBe('1');
    } finally {
      await handle.terminate('test done');
    }
  });

  it('serves the Web UI against the cluster', async () => {
    const settings = await fetch(`${cluster!.uiUrl}/api/v1/settings`);
    expect(settings.status).toBe(200);
    // What an ops person's browser asks for: the workflow list, read through the UI server.
    const listed = await fetch(`${cluster!.uiUrl}/api/v1/namespaces/${cluster!.namespace}/workflows`);
    expect(listed.status).toBe(200);
    const { executions } = (await listed.json()) as { executions?: { execution: { workflowId: string } }[] };
    expect(executions?.map((e) => e.execution.workflowId)).toContainEqual(expect.stringMatching(/^loan\/bank-a\//));
  });
});

/** A CA, a server certificate for localhost and a client certificate, made with openssl. */
function makeCertificates(dir: string) {
  const openssl = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
  const key = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes'];
  openssl('req', '-x509', ...key, '-keyout', 'ca.key', '-out', 'ca.pem', '-days', '2', '-subj', '/CN=test CA');
  for (const [name, usage, san] of [
    ['server', 'serverAuth', 'subjectAltName=DNS:localhost,IP:127.0.0.1\n'],
    ['client', 'clientAuth', ''],
  ]) {
    writeFileSync(join(dir, `${name}.ext`), `${san}extendedKeyUsage=${usage}\n`);
    openssl('req', ...key, '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', `/CN=${name}`);
    const sign = ['-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial', '-days', '2'];
    openssl('x509', '-req', '-in', `${name}.csr`, ...sign, '-out', `${name}.pem`, '-extfile', `${name}.ext`);
  }
  return {
    serverCertFile: join(dir, 'server.pem'),
    serverKeyFile: join(dir, 'server.key'),
    caFile: join(dir, 'ca.pem'),
    clientCertFile: join(dir, 'client.pem'),
    clientKeyFile: join(dir, 'client.key'),
  };
}

describe('Temporal cluster with mTLS on the frontend', () => {
  const certDir = mkdtempSync(join(tmpdir(), 'lendbridge-certs-'));
  const tls = makeCertificates(certDir);
  let postgres: RunningPostgres | undefined;
  let cluster: RunningTemporalCluster | undefined;

  beforeAll(async () => {
    postgres = await startPostgres();
    cluster = await startTemporalCluster({ postgres, tls });
  }, FIRST_START_MS);

  afterAll(async () => {
    await stopAndCheck(cluster, postgres);
    rmSync(certDir, { recursive: true, force: true });
  }, 60_000);

  it('answers a client with a certificate of the CA, and refuses one without', async () => {
    const trusted = await Connection.connect(cluster!.connectionOptions);
    try {
      const described = await trusted.workflowService.describeNamespace({ namespace: cluster!.namespace });
      expect(described.namespaceInfo?.name).toBe(cluster!.namespace);
    } finally {
      await trusted.close();
    }
    // TLS that checks the server but presents no certificate: the handshake is refused.
    await expect(
      Connection.connect({
        address: cluster!.address,
        connectTimeout: 2_000,
        tls: { serverNameOverride: 'localhost', serverRootCACertificate: readFileSync(tls.caFile) },
      }),
    ).rejects.toThrow();
    // Plaintext gets nowhere either.
    await expect(Connection.connect({ address: cluster!.address, connectTimeout: 2_000 })).rejects.toThrow();
  });

  it('lets the Web UI reach the frontend with its client certificate', async () => {
    const listed = await fetch(`${cluster!.uiUrl}/api/v1/namespaces/${cluster!.namespace}/workflows`);
    expect(listed.status).toBe(200);
  });
});
