import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import { type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NestFactory } from '@nestjs/core';
import { Webhook } from 'standardwebhooks';
import {
  ActivitiesModule,
  LoanApplicationActivitiesService,
  WebhookSender,
  webhookIdOf,
  type WebhookDelivery,
} from '#activities';
import { ConfigModule, ConfigurationError, type WebhookEndpoints } from '#config';
import type { WebhookEvent } from '#domain';
import { testConfig } from '#test-support/config';
import { generateWebhookSecret, verifyWebhook } from '#webhooks';

const LEDGER = { LEDGER_REGISTRY_ADDRESS: `0x${'1'.repeat(40)}`, LEDGER_EVIDENCE_ADDRESS: `0x${'2'.repeat(40)}` };

function event(tenant: string, applicationId: string, sequence = 1): WebhookEvent {
  const workflowId = `loan/${tenant}/${applicationId}`;
  return {
    eventId: `${workflowId}/${sequence}-1764680000000`,
    sequence,
    type: 'application.decided',
    workflowId,
    tenant,
    applicationId,
    occurredAt: '2026-11-21T00:00:00.000Z',
    data: { decision: { outcome: 'DECLINED' } },
  };
}

interface Received {
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
}

describe('WebhookSender against a real HTTP server, per tenant', () => {
  let server: Server;
  let status = 204;
  const received: Received[] = [];
  const dir = mkdtempSync(join(tmpdir(), 'lendbridge-webhook-sender-'));
  // bank-b is moving to a new secret: it has two, and is signed with both.
  const secrets = {
    'bank-a': [generateWebhookSecret()],
    'bank-b': [generateWebhookSecret(), generateWebhookSecret(48)],
  };
  let endpoints: WebhookEndpoints;
  let sender: WebhookSender;

  beforeAll(async () => {
    server = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        received.push({
          path: request.url ?? '',
          headers: request.headers,
          body: Buffer.concat(chunks).toString('utf8'),
        });
        response.writeHead(status, status === 302 ? { location: `${endpoints['bank-a']!.url}?redirected` } : {}).end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    endpoints = {
      'bank-a': { url: `http://127.0.0.1:${port}/bank-a/events`, secrets: secrets['bank-a'] },
      'bank-b': { url: `http://127.0.0.1:${port}/b/hooks`, secrets: secrets['bank-b'] },
    };
    const file = join(dir, 'endpoints.json');
    writeFileSync(file, JSON.stringify(endpoints));
    sender = new WebhookSender(testConfig({ ...LEDGER, WEBHOOK_ENDPOINTS_FILE: file }));
  });

  afterAll(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
    rmSync(dir, { recursive: true, force: true });
  });

  beforeEach(() => {
    status = 204;
    received.length = 0;
  });

  it("sends each tenant's events only to its own endpoint, signed only with its own secrets", async () => {
    await sender.deliver(event('bank-a', 'app-1'));
    await sender.deliver(event('bank-b', 'app-2'));
    await sender.deliver(event('bank-a', 'app-3'));
    expect(received.map(({ path, body }) => [path, (JSON.parse(body) as WebhookEvent).applicationId])).toEqual([
      ['/bank-a/events', 'app-1'],
      ['/b/hooks', 'app-2'],
      ['/bank-a/events', 'app-3'],
    ]);
    for (const { path, headers, body } of received) {
      const own = path === '/b/hooks' ? secrets['bank-b'] : secrets['bank-a'];
      const other = path === '/b/hooks' ? secrets['bank-a'] : secrets['bank-b'];
      const { id, timestamp } = verifyWebhook({ headers, body, secrets: own });
      expect(id).toBe(webhookIdOf(JSON.parse(body) as WebhookEvent));
      expect(Math.abs(timestamp - Date.now() / 1000)).toBeLessThan(60);
      expect(() => verifyWebhook({ headers, body, secrets: other })).toThrow(/no v1 signature/);
      expect(headers['content-type']).toBe('application/json');
    }
  });

  it('signs with every secret of a tenant that is rotating, each verifying alone and with the reference library', async () => {
    await sender.deliver(event('bank-b', 'app-4'));
    const { headers, body } = received[0]!;
    expect(String(headers['webhook-signature']).split(' ')).toHaveLength(2);
    for (const secret of secrets['bank-b']) {
      expect(verifyWebhook({ headers, body, secrets: [secret] }).id).toBe('loan/bank-b/app-4/1-1764680000000');
      expect(new Webhook(secret).verify(body, headers as Record<string, string>)).toEqual(JSON.parse(body));
    }
  });

  it('keeps "." out of the webhook-id, reversibly', async () => {
    await sender.deliver(event('bank-a', 'app.5'));
    const { headers, body } = received[0]!;
    expect(headers['webhook-id']).toBe('loan/bank-a/app%2E5/1-1764680000000');
    expect(verifyWebhook({ headers, body, secrets: secrets['bank-a'] }).id).toBe(headers['webhook-id']);
  });

  it.each([302, 500, 404, 401])('treats a %i answer as not delivered, so the activity retries', async (code) => {
    status = code;
    await expect(sender.deliver(event('bank-a', 'app-6'))).rejects.toThrow(`answered ${code}`);
    expect(received).toHaveLength(1); // a redirect is not followed
  });

  it('retries a refused event under the same webhook-id, freshly timestamped and signed', async () => {
    status = 500;
    await expect(sender.deliver(event('bank-b', 'app-7'))).rejects.toThrow('answered 500');
    status = 204;
    await sender.deliver(event('bank-b', 'app-7'));
    const [refused, delivered] = received;
    expect(delivered!.headers['webhook-id']).toBe(refused!.headers['webhook-id']);
    expect(delivered!.body).toBe(refused!.body);
    verifyWebhook({ headers: delivered!.headers, body: delivered!.body, secrets: secrets['bank-b'] });
  });

  it('holds back, and retries, the events of a tenant with no endpoint rather than losing them', async () => {
    const delivery = sender.deliver(event('bank-c', 'app-8'));
    await expect(delivery).rejects.toBeInstanceOf(ConfigurationError);
    await expect(sender.deliver(event('bank-c', 'app-8'))).rejects.toThrow(/no endpoint for tenant bank-c/);
    expect(received).toHaveLength(0);
  });

  it('only logs the event when no endpoints are configured', async () => {
    const unconfigured = new WebhookSender(testConfig(LEDGER));
    await expect(unconfigured.deliver(event('bank-a', 'app-9'))).resolves.toBeUndefined();
    expect(received).toHaveLength(0);
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
      ...LEDGER,
      LEDGER_SIGNER_KEY: `0x${'3'.repeat(64)}`,
      EVIDENCE_REFERENCE_KEY: 'ab'.repeat(32),
    });
    // Endpoints set, to prove it is not the default sender that delivers.
    config.webhook = {
      endpoints: { 'bank-a': { url: 'http://127.0.0.1:1/unreachable', secrets: [generateWebhookSecret()] } },
    };
    const context = await NestFactory.createApplicationContext(
      {
        module: class Host {},
        imports: [ConfigModule.forRoot(config), ActivitiesModule.register({ webhookDelivery: RecordingDelivery })],
      },
      { logger: false },
    );
    try {
      await context.get(LoanApplicationActivitiesService).deliverWebhook(event('bank-a', 'app-1'));
      expect(context.get(RecordingDelivery).delivered).toEqual([event('bank-a', 'app-1')]);
    } finally {
      await context.close();
    }
  });
});
