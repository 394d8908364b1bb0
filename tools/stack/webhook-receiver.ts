/**
 * A loan system's webhook endpoint for load runs (`npm run bench:e2e`, `npm run test:chaos`): checks
 * each request's HMAC signature as a real receiver must, processes each event id once (a retried
 * delivery is acknowledged and ignored), and notes when each (workflow, event type) first arrived,
 * so a driver can wait for "this application is in review" or "decided" without polling. Fault
 * injection can make it answer 500 or hold requests past the sender's timeout for a while.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, type ServerResponse } from 'node:http';
import { type AddressInfo } from 'node:net';

export interface ReceivedEvent {
  /** performance.now() when the request's body had fully arrived. */
  at: number;
  eventId: string;
  type: string;
  workflowId: string;
  data: Record<string, unknown>;
}

/** How the receiver answers: as it should, with 500, or not at all until the sender gives up. */
export type ReceiverMode = 'accept' | 'fail' | 'hang';

export interface WebhookInbox {
  url: string;
  /** Every request, retries and duplicates included. */
  readonly requests: number;
  readonly badSignatures: number;
  /** Requests answered 500 or held unanswered (mode `fail` or `hang`). */
  readonly refused: number;
  /** Every event processed, once per event id, in arrival order. */
  readonly processed: readonly ReceivedEvent[];
  /** Deliveries of an event id already processed: retries the sender made. */
  readonly redeliveries: number;
  mode: ReceiverMode;
  /** Resolves with the first event of `type` for the workflow (at once if it came already). */
  next(workflowId: string, type: string, timeoutMs: number): Promise<ReceivedEvent>;
  /** Fails every pending wait, e.g. when the stack went down. */
  failAll(error: Error): void;
  close(): Promise<void>;
}

/** `t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">`, as the worker's WebhookSender signs. */
function signatureValid(secret: string, header: string | undefined, body: string): boolean {
  const match = /^t=(\d+),v1=([0-9a-f]{64})$/.exec(header ?? '');
  if (!match) return false;
  const expected = createHmac('sha256', secret).update(`${match[1]}.${body}`).digest();
  return timingSafeEqual(expected, Buffer.from(match[2]!, 'hex'));
}

export async function startWebhookInbox(secret: string): Promise<WebhookInbox> {
  const arrived = new Map<string, ReceivedEvent>();
  const waiting = new Map<string, { resolve(event: ReceivedEvent): void; reject(error: Error): void }>();
  const seenIds = new Set<string>();
  const processed: ReceivedEvent[] = [];
  const held = new Set<ServerResponse>();
  let requests = 0;
  let badSignatures = 0;
  let refused = 0;
  let redeliveries = 0;
  let mode: ReceiverMode = 'accept';

  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const at = performance.now();
      requests += 1;
      const body = Buffer.concat(chunks).toString('utf8');
      const signature = request.headers['lendbridge-signature'];
      if (!signatureValid(secret, typeof signature === 'string' ? signature : undefined, body)) {
        badSignatures += 1;
        response.writeHead(401).end();
        return;
      }
      if (mode !== 'accept') {
        refused += 1;
        if (mode === 'fail') response.writeHead(500).end();
        else held.add(response.once('close', () => held.delete(response))); // the sender times out
        return;
      }
      response.writeHead(204).end();
      const event = JSON.parse(body) as Omit<ReceivedEvent, 'at'>;
      if (seenIds.has(event.eventId)) {
        redeliveries += 1; // a retried delivery: processed once
        return;
      }
      seenIds.add(event.eventId);
      const key = `${event.workflowId}|${event.type}`;
      const received = { ...event, at };
      processed.push(received);
      const waiter = waiting.get(key);
      if (waiter) {
        waiting.delete(key);
        waiter.resolve(received);
      } else if (!arrived.has(key)) arrived.set(key, received);
    });
  });
  server.keepAliveTimeout = 30_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}/lendbridge/events`,
    get requests() {
      return requests;
    },
    get badSignatures() {
      return badSignatures;
    },
    get refused() {
      return refused;
    },
    get processed() {
      return processed;
    },
    get redeliveries() {
      return redeliveries;
    },
    get mode() {
      return mode;
    },
    set mode(next: ReceiverMode) {
      mode = next;
      if (next !== 'hang') {
        for (const response of held) response.destroy();
        held.clear();
      }
    },
    next(workflowId, type, timeoutMs) {
      const key = `${workflowId}|${type}`;
      const already = arrived.get(key);
      if (already) {
        arrived.delete(key);
        return Promise.resolve(already);
      }
      return new Promise<ReceivedEvent>((resolve, reject) => {
        const timer = setTimeout(() => {
          waiting.delete(key);
          reject(new Error(`no ${type} webhook for ${workflowId} within ${timeoutMs} ms`));
        }, timeoutMs);
        waiting.set(key, {
          resolve: (event) => {
            clearTimeout(timer);
            resolve(event);
          },
          reject: (error) => {
            clearTimeout(timer);
            reject(error);
          },
        });
      });
    },
    failAll(error) {
      for (const waiter of waiting.values()) waiter.reject(error);
      waiting.clear();
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const response of held) response.destroy();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
