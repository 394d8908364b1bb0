import { createServer, type Server } from 'node:http';
import { type AddressInfo } from 'node:net';
import { NestFactory } from '@nestjs/core';
import {
  ActivitiesModule,
  LoanApplicationActivitiesService,
  signWebhook,
  WebhookSender,
  type WebhookDelivery,
} from '#activities';
import { ConfigModule } from '#config';
import type { WebhookEvent } from '#domain';
import { testConfig } from '#test-support/config';

const SECRET = 'a-webhook-secret-of-at-least-32-characters';
const EVENT: WebhookEvent = {
  eventId: 'loan/bank-a/app-1/2',
  sequence: 2,
  type: 'application.decided',
  workflowId: 'loan/bank-a/app-1',
  tenant: 'bank-a',
  applicationId: 'app-1',
  occurredAt: '2026-11-21T00:00:00.000Z',
  data: { decision: { outcome: 'DECLINED' } },
};

describe('WebhookSender against a real HTTP server', () => {
  let server: Server;
  let status = 204;
  const received: { headers: Record<string, string | string[] | undefined>; body: string }[] = [];

  beforeAll(async () => {
    server = createServer((request, response) => {
      let body = '';
      request.on('data', (chunk: Buffer) => (body += chunk.toString()));
      request.on('end', () => {
        received.push({ headers: request.headers, body });
        response.writeHead(status, status === 302 ? { location: 'http://127.0.0.1:1/elsewhere' } : {}).end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  });

  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  const sender = (): WebhookSender => {
    const { port } = server.address() as AddressInfo;
    return new WebhookSender(
      testConfig({
        LEDGER_REGISTRY_ADDRESS: `0x${'1'.repeat(40)}`,
        LEDGER_EVIDENCE_ADDRESS: `0x${'2'.repeat(40)}`,
        WEBHOOK_URL: `http://127.0.0.1:${port}/events`,
        WEBHOOK_SECRET: SECRET,
      }),
    );
  };

  it('posts the event with its id and a signature over timestamp and body', async () => {
    status = 204;
    await sender().deliver(EVENT);
    const { headers, body } = received.at(-1)!;
    expect(JSON.parse(body)).toEqual(EVENT);
    expect(headers['lendbridge-event-id']).toBe(EVENT.eventId);
    const [, timestamp] = /^t=(\d+),/.exec(String(headers['lendbridge-signature']))!;
    expect(headers['lendbridge-signature']).toBe(signWebhook(SECRET, Number(timestamp), body));
    expect(Math.abs(Number(timestamp) - Date.now() / 1000)).toBeLessThan(60);
  });

  it.each([302, 500, 404])('treats a %i answer as not delivered, so the activity retries', async (code) => {
    status = code;
    await expect(sender().deliver(EVENT)).rejects.toThrow(`answered ${code}`);
  });

  it('only logs the event when no webhook URL is configured', async () => {
    const before = received.length;
    const unconfigured = new WebhookSender(
      testConfig({ LEDGER_REGISTRY_ADDRESS: `0x${'1'.repeat(40)}`, LEDGER_EVIDENCE_ADDRESS: `0x${'2'.repeat(40)}` }),
    );
    await expect(unconfigured.deliver(EVENT)).resolves.toBeUndefined();
    expect(received.length).toBe(before);
  });
});

describe('a host replacing the webhook delivery', () => {
  class RecordingDelivery implements WebhookDelivery {
    readonly delivered: WebhookEvent[] = [];
    deliver(event: WebhookEvent): Promise<void> {
      this.delivered.push(event);
      return Promise.resolve();
    }
  }

  it('has the deliverWebhook activity use the host provider instead of HTTP', async () => {
    const config = testConfig({
      LEDGER_REGISTRY_ADDRESS: `0x${'1'.repeat(40)}`,
      LEDGER_EVIDENCE_ADDRESS: `0x${'2'.repeat(40)}`,
      LEDGER_SIGNER_KEY: `0x${'3'.repeat(64)}`,
      EVIDENCE_REFERENCE_KEY: 'ab'.repeat(32),
      // Set, to prove it is not the default sender that delivers.
      WEBHOOK_URL: 'http://127.0.0.1:1/unreachable',
      WEBHOOK_SECRET: SECRET,
    });
    const context = await NestFactory.createApplicationContext(
      {
        module: class Host {},
        imports: [ConfigModule.forRoot(config), ActivitiesModule.register({ webhookDelivery: RecordingDelivery })],
      },
      { logger: false },
    );
    try {
      await context.get(LoanApplicationActivitiesService).deliverWebhook(EVENT);
      expect(context.get(RecordingDelivery).delivered).toEqual([EVENT]);
    } finally {
      await context.close();
    }
  });
});
