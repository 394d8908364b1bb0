import { type INestApplication } from '@nestjs/common';
import { type TestWorkflowEnvironment } from '@temporalio/testing';
import { createApiApp } from '#api/api-app';
import { type LendbridgeConfig } from '#config';
import { DEV_KEYS } from '#stack/dev-ledger';
import { bearer, PARTIES } from '#test-support/api-stack';
import { testConfig } from '#test-support/config';
import { startTestLedger, type TestLedger } from '#test-support/ledger';
import { codecClient, startTestDevServer } from '#test-support/temporal';
import { closeWorkerContexts, startWorkerContext } from '#test-support/worker-context';

// The first end-to-end proof: HTTP → API → Temporal dev server → worker → anvil, and back.
describe('ledger probe, end to end', () => {
  let temporal: TestWorkflowEnvironment;
  let ledger: TestLedger;
  let config: LendbridgeConfig;
  let api: INestApplication;
  let baseUrl: string;

  beforeAll(async () => {
    [temporal, ledger] = await Promise.all([startTestDevServer(), startTestLedger()]);
    config = testConfig({
      TEMPORAL_ADDRESS: temporal.address,
      TEMPORAL_TASK_QUEUE: 'e2e-probe',
      TEMPORAL_UI_URL: 'http://127.0.0.1:8233',
      LEDGER_RPC_URL: ledger.rpcUrl,
      LEDGER_REGISTRY_ADDRESS: ledger.registryAddress,
      LEDGER_EVIDENCE_ADDRESS: ledger.evidenceAddress,
      LEDGER_SIGNER_KEY: DEV_KEYS.recorder,
      EVIDENCE_REFERENCE_KEY: 'e'.repeat(64),
      LEDGER_TIMEOUT_MS: '1000',
      HEALTH_TIMEOUT_MS: '1000',
    });
    await startWorkerContext(config);
    api = await createApiApp(config, { logger: ['error'] });
    await api.listen(0, '127.0.0.1');
    baseUrl = await api.getUrl();
  }, 120_000);

  afterAll(async () => {
    await api?.close();
    await closeWorkerContexts();
    await ledger?.anvil.stop();
    await temporal?.teardown();
  });

  it('reports ready on /health while Temporal and the ledger are up, the details to ops only', async () => {
    const response = await fetch(`${baseUrl}/health`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: 'up', checks: { temporal: 'up', ledger: 'up' } });
    const details = await fetch(`${baseUrl}/health/details`, { headers: { Authorization: await bearer(PARTIES.ops) } });
    expect(await details.json()).toMatchObject({
      status: 'up',
      checks: { temporal: { status: 'up' }, ledger: { status: 'up', chainId: '31337' } },
    });
  });

  it('runs the probe workflow and returns the chain id the activity read from anvil', async () => {
    const response = await fetch(`${baseUrl}/v1/ledger-probes`, {
      method: 'POST',
      headers: { Authorization: await bearer(PARTIES.ops) },
    });
    expect(response.status).toBe(201);
    const body = (await response.json()) as { workflowId: string; temporalUiUrl: string; ledger: { chainId: string } };
    expect(body.ledger).toMatchObject({
      chainId: '31337',
      registryAddress: ledger.registryAddress,
      registryVersion: 'lendbridge-credit-report-registry/3',
    });
    expect(body.temporalUiUrl).toBe(`http://127.0.0.1:8233/namespaces/default/workflows/${body.workflowId}`);

    // The run is in Temporal's history, completed, as ops would find it.
    const described = await codecClient(temporal, config).workflow.getHandle(body.workflowId).describe();
    expect(described.status.name).toBe('COMPLETED');
    expect(described.type).toBe('ledgerProbeWorkflow');
  });

  it('stays ready while the ledger is down (applications wait for it; the API still serves), and tells ops why', async () => {
    await ledger.anvil.stop();
    // The cached probe is refreshed within five seconds.
    await new Promise((resolve) => setTimeout(resolve, 5_100));
    const response = await fetch(`${baseUrl}/health`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: 'up', checks: { temporal: 'up', ledger: 'down' } });
    const details = await fetch(`${baseUrl}/health/details`, { headers: { Authorization: await bearer(PARTIES.ops) } });
    const body = (await details.json()) as { checks: { temporal: unknown; ledger: unknown } };
    expect(body.checks.temporal).toMatchObject({ status: 'up' });
    expect(body.checks.ledger).toMatchObject({
      status: 'down',
      message: expect.stringContaining(ledger.rpcUrl) as string,
    });
  });

  it('still answers liveness when dependencies are down', async () => {
    const response = await fetch(`${baseUrl}/health/live`);
    expect(response.status).toBe(200);
  });
});
