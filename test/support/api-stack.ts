/**
 * The whole of lendbridge for API tests: the real Temporal dev server (or the production topology,
 * see startTestTemporal), anvil with the contracts, the worker module, a webhook receiver and the
 * API listening on a free port, plus tokens for the parties that call it. Each test file starts its
 * own and stops it. A caller that sets TEMPORAL_ADDRESS brings its own Temporal (e.g. one with TLS).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type INestApplication, type INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Client, Connection } from '@temporalio/client';
import { createApiApp } from '#api/api-app';
import { signDevToken, type DevTokenClaims } from '#api/auth/dev-token';
import { lendbridgeDataConverter } from '#codec';
import { type LendbridgeConfig } from '#config';
import { LedgerClient } from '#ledger';
import { DEV_KEYS } from '#stack/dev-ledger';
import { temporalConnectionOptions } from '#temporal';
import { WorkerModule } from '#worker/worker.module';
import { TEST_JWT_SECRET, testConfig } from './config.js';
import { startTestLedger, type TestLedger } from './ledger.js';
import { startTestTemporal, type TestTemporal } from './temporal.js';
import { startWebhookReceiver, type TestWebhookReceiver } from './webhook-receiver.js';

export const API_WEBHOOK_SECRET = 'an-api-test-webhook-secret-of-32-characters';

export interface ApiStack {
  config: LendbridgeConfig;
  /** Base URL of the API, e.g. http://127.0.0.1:40123 */
  url: string;
  app: INestApplication;
  /** The Temporal started for this stack; undefined when the caller brought its own. */
  temporal?: TestTemporal;
  /** A client with the codec, for assertions the API does not offer. */
  workflows: Client;
  ledger: TestLedger;
  ledgerClient: LedgerClient;
  receiver: TestWebhookReceiver;
  stop(): Promise<void>;
}

/** `worker: false` leaves the worker out: the API then talks to a Temporal with no one polling. */
export async function startApiStack(
  env: Record<string, string> = {},
  options: { worker?: boolean } = {},
): Promise<ApiStack> {
  const stateDir = mkdtempSync(join(tmpdir(), 'lendbridge-api-'));
  const started = await Promise.allSettled([
    env.TEMPORAL_ADDRESS ? Promise.resolve(undefined) : startTestTemporal(),
    startTestLedger({ stateFile: join(stateDir, 'anvil.json') }),
    startWebhookReceiver(API_WEBHOOK_SECRET),
  ] as const);
  const [temporalStart, ledgerStart, receiverStart] = started;
  if (
    temporalStart.status !== 'fulfilled' ||
    ledgerStart.status !== 'fulfilled' ||
    receiverStart.status !== 'fulfilled'
  ) {
    // Stop what did start, so a failed start leaves no server behind.
    if (temporalStart.status === 'fulfilled') await temporalStart.value?.teardown();
    if (ledgerStart.status === 'fulfilled') await ledgerStart.value.anvil.stop();
    if (receiverStart.status === 'fulfilled') await receiverStart.value.close();
    rmSync(stateDir, { recursive: true, force: true });
    throw started.find((result) => result.status === 'rejected')!.reason;
  }
  const [temporal, ledger, receiver] = [temporalStart.value, ledgerStart.value, receiverStart.value];
  const config = testConfig({
    ...(temporal && { TEMPORAL_ADDRESS: temporal.address, TEMPORAL_NAMESPACE: temporal.namespace }),
    TEMPORAL_TASK_QUEUE: 'api-loans',
    LEDGER_RPC_URL: ledger.rpcUrl,
    LEDGER_REGISTRY_ADDRESS: ledger.registryAddress,
    LEDGER_EVIDENCE_ADDRESS: ledger.evidenceAddress,
    LEDGER_SIGNER_KEY: DEV_KEYS.recorder,
    EVIDENCE_REFERENCE_KEY: 'cd'.repeat(32),
    WEBHOOK_URL: receiver.url,
    WEBHOOK_SECRET: API_WEBHOOK_SECRET,
    API_RATE_LIMIT_PER_MINUTE: '100000',
    ...env,
  });
  let worker: INestApplicationContext | undefined;
  let app: INestApplication | undefined;
  let connection: Connection | undefined;
  const ledgerClient = new LedgerClient(ledger.settings);
  const stop = async (): Promise<void> => {
    await app?.close();
    await worker?.close();
    await connection?.close();
    ledgerClient.close();
    await receiver.close();
    await ledger.anvil.stop();
    await temporal?.teardown();
    rmSync(stateDir, { recursive: true, force: true });
  };
  try {
    if (options.worker !== false) {
      worker = await NestFactory.createApplicationContext(WorkerModule.forRoot(config), { logger: ['error'] });
    }
    // Connected as the API connects (TLS included), for assertions the API does not offer.
    connection = await Connection.connect(temporalConnectionOptions(config.temporal));
    const workflows = new Client({
      connection,
      namespace: config.temporal.namespace,
      dataConverter: lendbridgeDataConverter(config.codec),
    });
    // abortOnError: false, so a start-up error reaches stop() instead of exiting the test process.
    app = await createApiApp(config, { logger: ['error'], abortOnError: false });
    await app.listen(0, '127.0.0.1');
    const url = (await app.getUrl()).replace('[::1]', '127.0.0.1');
    return {
      config,
      url,
      app,
      temporal,
      workflows,
      ledger,
      ledgerClient,
      receiver,
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** A bearer token for the parties of the tests, signed with the test secret. */
export async function bearer(claims: DevTokenClaims): Promise<string> {
  return `Bearer ${await signDevToken(TEST_JWT_SECRET, claims)}`;
}

/**
 * The parties: a loan system of bank-a (and one of bank-b), bank-a's HK reviewers and senior, a CN
 * reviewer, a reviewer of bank-b, ops.
 */
export const PARTIES = {
  bankA: { sub: 'los-bank-a', roles: ['loan-system'], tenant: 'bank-a' },
  bankB: { sub: 'los-bank-b', roles: ['loan-system'], tenant: 'bank-b' },
  alice: { sub: 'alice', roles: ['reviewer'], jurisdictions: ['HK'], tenants: ['bank-a'] },
  bob: { sub: 'bob', roles: ['reviewer'], jurisdictions: ['HK'], tenants: ['bank-a'] },
  carol: { sub: 'carol', roles: ['senior-reviewer'], jurisdictions: ['HK'], tenants: ['bank-a'] },
  cnReviewer: { sub: 'wang', roles: ['reviewer'], jurisdictions: ['CN'], tenants: ['bank-a'] },
  bankBReviewer: { sub: 'erin', roles: ['reviewer'], jurisdictions: ['HK'], tenants: ['bank-b'] },
  ops: { sub: 'olivia', roles: ['ops'] },
} as const satisfies Record<string, DevTokenClaims>;

export type Party = keyof typeof PARTIES;

export async function partyTokens(): Promise<Record<Party, string>> {
  const entries = await Promise.all(
    Object.entries(PARTIES).map(async ([name, claims]) => [name, await bearer(claims)] as const),
  );
  return Object.fromEntries(entries) as Record<Party, string>;
}
