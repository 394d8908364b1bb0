/**
 * The whole of lendbridge for API tests: the stack builder's Temporal (the dev server, or with
 * LENDBRIDGE_TEST_TEMPORAL=cluster the production topology) and anvil with the contracts, then the
 * worker module and the API hosted in this process (so a test can reach into them), a webhook
 * receiver, and tokens for the parties that call it. Each test file starts its own and stops it. A
 * caller that sets TEMPORAL_ADDRESS brings its own Temporal (e.g. one with TLS).
 */
import { type INestApplication } from '@nestjs/common';
import { Client } from '@temporalio/client';
import { createApiApp } from '#api/api-app';
import { signDevToken, type DevTokenClaims } from '#api/auth/dev-token';
import { lendbridgeDataConverter } from '#codec';
import { type LendbridgeConfig } from '#config';
import { LedgerClient } from '#ledger';
import { DEV_KEYS } from '#stack/dev-ledger';
import { Stack } from '#stack/stack';
import { temporalConnectionOptions } from '#temporal';
import { TEST_JWT_SECRET, testConfig, testTemporalConfig } from './config.js';
import { startWebhookReceiver, type TestWebhookReceiver } from './webhook-receiver.js';
import { closeWorkerContexts, startWorkerContext } from './worker-context.js';

export interface ApiStack {
  config: LendbridgeConfig;
  /** Base URL of the API, e.g. http://127.0.0.1:40123 */
  url: string;
  app: INestApplication;
  /** The infrastructure under the in-process API and worker. */
  stack: Stack;
  /** A client with the codec, for assertions the API does not offer. */
  workflows: Client;
  ledger: Stack['ledger'];
  ledgerClient: LedgerClient;
  receiver: TestWebhookReceiver;
  stop(): Promise<void>;
}

/** `worker: false` leaves the worker out: the API then talks to a Temporal with no one polling. */
export async function startApiStack(
  env: Record<string, string> = {},
  options: { worker?: boolean } = {},
): Promise<ApiStack> {
  // The caller's TEMPORAL_* (TLS included) name a Temporal of its own; the stack then starts none.
  const own = env.TEMPORAL_ADDRESS ? testTemporalConfig(env) : undefined;
  const [stackStart, receiverStart] = await Promise.allSettled([
    Stack.start({
      label: 'api',
      topology: process.env.LENDBRIDGE_TEST_TEMPORAL === 'cluster' ? 'cluster' : 'dev',
      inMemory: true,
      ...(own && {
        externalTemporal: { namespace: own.namespace, connection: temporalConnectionOptions(own) },
      }),
      workers: 0,
      apis: 0,
      onAppExit: 'fail',
      output: 'silent',
      log: () => undefined,
    }),
    startWebhookReceiver(['bank-a', 'bank-b']),
  ] as const);
  if (stackStart.status !== 'fulfilled' || receiverStart.status !== 'fulfilled') {
    // Stop what did start, so a failed start leaves no server behind.
    if (stackStart.status === 'fulfilled') await stackStart.value.stop();
    if (receiverStart.status === 'fulfilled') await receiverStart.value.close();
    throw [stackStart, receiverStart].find((result) => result.status === 'rejected')!.reason;
  }
  const [stack, receiver] = [stackStart.value, receiverStart.value];
  const { ledger } = stack;
  const config = testConfig({
    TEMPORAL_ADDRESS: stack.temporalAddress,
    TEMPORAL_NAMESPACE: stack.settings.namespace,
    TEMPORAL_TASK_QUEUE: 'api-loans',
    LEDGER_RPC_URL: ledger.rpcUrl,
    LEDGER_REGISTRY_ADDRESS: ledger.registryAddress,
    LEDGER_EVIDENCE_ADDRESS: ledger.evidenceAddress,
    LEDGER_SIGNER_KEY: DEV_KEYS.recorder,
    EVIDENCE_REFERENCE_KEY: 'cd'.repeat(32),
    // Each tenant's endpoint at the receiver, with a secret of its own; the file goes with the stack's dir.
    WEBHOOK_ENDPOINTS_FILE: receiver.writeEndpointsFile(stack.dir),
    API_RATE_LIMIT_PER_MINUTE: '100000',
    ...env,
  });
  let app: INestApplication | undefined;
  const ledgerClient = new LedgerClient({ ...ledger, timeoutMs: 2_000, confirmations: 0 });
  // Each part is stopped even when one before it fails to, servers last: nothing outlives the file.
  const stop = async (): Promise<void> => {
    const stopped = await Promise.allSettled([app?.close(), closeWorkerContexts()]);
    ledgerClient.close();
    stopped.push(...(await Promise.allSettled([receiver.close()])), ...(await Promise.allSettled([stack.stop()])));
    const failed = stopped.find((result) => result.status === 'rejected');
    if (failed) throw failed.reason;
  };
  try {
    if (options.worker !== false) {
      await startWorkerContext(config);
    }
    // The stack's connection is the API's (TLS included): assertions the API does not offer use it.
    const workflows = new Client({
      connection: stack.connection,
      namespace: config.temporal.namespace,
      dataConverter: lendbridgeDataConverter(config.codec),
    });
    // abortOnError: false, so a start-up error reaches stop() instead of exiting the test process.
    app = await createApiApp(config, { logger: ['error'], abortOnError: false });
    await app.listen(0, '127.0.0.1');
    const url = (await app.getUrl()).replace('[::1]', '127.0.0.1');
    return { config, url, app, stack, workflows, ledger, ledgerClient, receiver, stop };
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
 * reviewer, a reviewer of bank-b, ops, and a supervisor.
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
  supervisor: { sub: 'sofia', roles: ['supervisor'] },
} as const satisfies Record<string, DevTokenClaims>;

export type Party = keyof typeof PARTIES;

export async function partyTokens(): Promise<Record<Party, string>> {
  const entries = await Promise.all(
    Object.entries(PARTIES).map(async ([name, claims]) => [name, await bearer(claims)] as const),
  );
  return Object.fromEntries(entries) as Record<Party, string>;
}
