import { Client, type ConnectionOptions, type ConnectionPlugin } from '@temporalio/client';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { lendbridgeDataConverter } from '#codec';
import { type LendbridgeConfig } from '#config';
import { LENDBRIDGE_SEARCH_ATTRIBUTES } from '#domain';
import { temporalCliPath, timeSkippingServerPath } from '#stack/temporal';
import { indexedValueType } from '#temporal';

/** The real Temporal dev server (the CLI built from Go modules) on a free port, in memory. */
export async function startTestDevServer(): Promise<TestWorkflowEnvironment> {
  return await TestWorkflowEnvironment.createLocal({
    server: {
      executable: { type: 'existing-path', path: await temporalCliPath() },
      ip: '127.0.0.1',
      searchAttributes: [...LENDBRIDGE_SEARCH_ATTRIBUTES],
      extraArgs: ['--ui-disable-news-fetch'],
    },
  });
}

/**
 * A client that shares the worker's payload codec, as the API's does: without it a test could
 * neither send a lendbridge worker anything it can read nor read what the worker answers.
 */
export function codecClient(env: TestWorkflowEnvironment, config: LendbridgeConfig): Client {
  return new Client({
    connection: env.connection,
    namespace: config.temporal.namespace,
    dataConverter: lendbridgeDataConverter(config.codec),
  });
}

/**
 * The client's keepalive for the Java test server. The SDK's client pings every 30 s, more often
 * than the test server's gRPC (Netty, which permits one ping in 5 minutes) allows: it answers with
 * GOAWAY "too many pings", dropping the calls in flight, among them the sleeps that hold and release
 * its time lock. Ping every 10 minutes, and only while a call is open.
 */
const TEST_SERVER_KEEPALIVE: ConnectionPlugin = {
  name: 'lendbridge-test-server-keepalive',
  configureConnection: (options: ConnectionOptions): ConnectionOptions => ({
    ...options,
    channelArgs: {
      ...options.channelArgs,
      'grpc.keepalive_time_ms': 600_000,
      'grpc.keepalive_permit_without_calls': 0,
    },
  }),
};

/** The Java time-skipping test server: timers of days complete in moments of test time. */
export async function startTimeSkippingServer(): Promise<TestWorkflowEnvironment> {
  const env = await TestWorkflowEnvironment.createTimeSkipping({
    server: { executable: { type: 'existing-path', path: await timeSkippingServerPath() } },
    plugins: [TEST_SERVER_KEEPALIVE],
  });
  // Like any server it refuses to upsert search attributes nobody registered. It cannot list them
  // (no ListSearchAttributes), but a fresh one has none, so they are added without asking.
  await env.connection.operatorService.addSearchAttributes({
    namespace: env.namespace ?? 'default',
    searchAttributes: Object.fromEntries(
      LENDBRIDGE_SEARCH_ATTRIBUTES.map((key) => [key.name, indexedValueType(key.type)]),
    ),
  });
  return env;
}
