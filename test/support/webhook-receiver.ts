import { writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { type AddressInfo } from 'node:net';
import { join } from 'node:path';
import { type WebhookEndpoints } from '#config';
import type { WebhookEvent } from '#domain';
import { generateWebhookSecret, verifyWebhook, WebhookVerificationError } from '#webhooks';

/** One request the receiver got, whatever it answered. */
export interface ReceivedRequest {
  tenant: string;
  webhookId: string;
  eventId?: string;
  status: number;
}

/**
 * A loan system's webhook endpoints, one per tenant with its own secret, as a receiver should write
 * them: each request is verified with the exported verifier under its tenant's secrets, and each
 * webhook-id processed once. `failNext` makes it answer 500 for a while, like a loan system that is
 * down.
 */
export interface TestWebhookReceiver {
  /** Each tenant's endpoint, as WEBHOOK_ENDPOINTS_FILE holds them. */
  endpoints: WebhookEndpoints;
  /** Events processed, each webhook-id once, in arrival order. */
  events: WebhookEvent[];
  /** Every request, in arrival order. */
  requests: ReceivedRequest[];
  /** Requests refused because they did not verify under their endpoint's secrets. */
  badSignatures: number;
  failNext: number;
  /** Writes the endpoints to `dir` as a WEBHOOK_ENDPOINTS_FILE; returns its path. */
  writeEndpointsFile(dir: string): string;
  close(): Promise<void>;
}

export async function startWebhookReceiver(
  tenants: readonly string[] = ['bank-a', 'bank-b'],
): Promise<TestWebhookReceiver> {
  const secrets = Object.fromEntries(tenants.map((tenant) => [tenant, [generateWebhookSecret()]]));
  const seen = new Set<string>();
  const receiver = {
    events: [] as WebhookEvent[],
    requests: [] as ReceivedRequest[],
    badSignatures: 0,
    failNext: 0,
  };
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const body = Buffer.concat(chunks);
      const tenant = /^\/([^/]+)\/events$/.exec(request.url ?? '')?.[1] ?? '';
      const webhookId = String(request.headers['webhook-id'] ?? '');
      const answer = (status: number, eventId?: string): void => {
        receiver.requests.push({ tenant, webhookId, ...(eventId && { eventId }), status });
        response.writeHead(status).end();
      };
      if (!Object.hasOwn(secrets, tenant)) return answer(404);
      if (receiver.failNext > 0) {
        receiver.failNext -= 1;
        return answer(500);
      }
      let event: WebhookEvent;
      try {
        verifyWebhook({ headers: request.headers, body, secrets: secrets[tenant]! });
        event = JSON.parse(body.toString('utf8')) as WebhookEvent;
      } catch (error) {
        if (!(error instanceof WebhookVerificationError)) throw error;
        receiver.badSignatures += 1;
        return answer(401);
      }
      if (!seen.has(webhookId)) {
        seen.add(webhookId);
        receiver.events.push(event);
      }
      answer(204, event.eventId);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const endpoints: WebhookEndpoints = Object.fromEntries(
    tenants.map((tenant) => [tenant, { url: `http://127.0.0.1:${port}/${tenant}/events`, secrets: secrets[tenant]! }]),
  );
  return Object.assign(receiver, {
    endpoints,
    writeEndpointsFile: (dir: string): string => {
      const file = join(dir, 'webhook-endpoints.json');
      writeFileSync(file, JSON.stringify(endpoints), { mode: 0o600 });
      return file;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  });
}
