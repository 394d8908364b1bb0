import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { type AddressInfo } from 'node:net';
import type { WebhookEvent } from '#domain';

/**
 * A loan system's webhook endpoint, as a receiver should write one: it checks the signature and
 * processes each event id once. `failNext` makes it answer 500 for a while, like a loan system
 * that is down.
 */
export interface TestWebhookReceiver {
  url: string;
  /** Events processed, each event id once, in arrival order. */
  events: WebhookEvent[];
  /** Requests refused because their signature did not verify. */
  badSignatures: number;
  /** How many requests were delivered in all (retries and duplicates included). */
  requests: number;
  failNext: number;
  close(): Promise<void>;
}

export async function startWebhookReceiver(secret: string): Promise<TestWebhookReceiver> {
  const receiver: Omit<TestWebhookReceiver, 'url' | 'close'> = {
    events: [],
    badSignatures: 0,
    requests: 0,
    failNext: 0,
  };
  const server: Server = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => (body += chunk.toString()));
    request.on('end', () => {
      receiver.requests += 1;
      if (receiver.failNext > 0) {
        receiver.failNext -= 1;
        response.writeHead(500).end();
        return;
      }
      const match = /^t=(\d+),v1=([0-9a-f]{64})$/.exec(String(request.headers['lendbridge-signature'] ?? ''));
      const expected = match ? createHmac('sha256', secret).update(`${match[1]}.${body}`).digest() : undefined;
      if (!match || !expected || !timingSafeEqual(expected, Buffer.from(match[2]!, 'hex'))) {
        receiver.badSignatures += 1;
        response.writeHead(401).end();
        return;
      }
      const event = JSON.parse(body) as WebhookEvent;
      if (!receiver.events.some((seen) => seen.eventId === event.eventId)) receiver.events.push(event);
      response.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return Object.assign<typeof receiver, Pick<TestWebhookReceiver, 'url' | 'close'>>(receiver, {
    url: `http://127.0.0.1:${port}/lendbridge/events`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  });
}
