/**
 * A loan system's webhook endpoints, one per tenant, for the local stack (`npm run dev`) and the load
 * runs (`npm run bench:e2e`, `npm run test:chaos`): each request is verified with the exported
 * Standard Webhooks verifier under its tenant's secrets, as a real receiver must, each webhook-id is
 * processed once (a retried delivery is acknowledged and ignored), and each request is shown: one
 * log line, and a row on the page the receiver serves at `/`. A driver can wait for "this
 * application is in review" or "decided" without polling. Fault injection can make it answer 500 or
 * hold requests past the sender's timeout for a while.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { type AddressInfo } from 'node:net';
import { type WebhookEndpoints } from '#config';
import { verifyWebhook, WebhookVerificationError } from '#webhooks';

export interface ReceivedEvent {
  /** performance.now() when the request's body had fully arrived. */
  at: number;
  eventId: string;
  type: string;
  workflowId: string;
  tenant: string;
  applicationId: string;
  data: Record<string, unknown>;
}

/** How the receiver answers: as it should, with 500, or not at all until the sender gives up. */
export type ReceiverMode = 'accept' | 'fail' | 'hang';

/** One request as the page lists it. */
export interface WebhookDeliveryRecord {
  receivedAt: string;
  tenant: string;
  webhookId: string;
  type: string;
  applicationId: string;
  /** `ok`, or why the verifier refused it. */
  signature: string;
  /** Which request this was for its webhook-id: 1, then 2 for the first retry, ... */
  attempt: number;
  /** The answer; 0 while held unanswered (mode `hang`). */
  status: number;
}

export interface WebhookInbox {
  /** The page listing every request. */
  url: string;
  /** Each tenant's endpoint: its URL and secrets, as WEBHOOK_ENDPOINTS_FILE holds them. */
  endpoints: WebhookEndpoints;
  /** Every request, retries and duplicates included. */
  readonly requests: number;
  /** Requests the verifier refused (or that came to another tenant's endpoint). */
  readonly badSignatures: number;
  /** Requests answered 500 or held unanswered (mode `fail` or `hang`). */
  readonly refused: number;
  /** Every event processed, once per webhook-id, in arrival order. */
  readonly processed: readonly ReceivedEvent[];
  /** Deliveries of a webhook-id already processed: retries the sender made. */
  readonly redeliveries: number;
  /** The latest requests, newest last (at most 500). */
  readonly deliveries: readonly WebhookDeliveryRecord[];
  mode: ReceiverMode;
  /** Resolves with the first event of `type` for the workflow (at once if it came already). */
  next(workflowId: string, type: string, timeoutMs: number): Promise<ReceivedEvent>;
  /** Fails every pending wait, e.g. when the stack went down. */
  failAll(error: Error): void;
  close(): Promise<void>;
}

export interface WebhookInboxOptions {
  /** Each tenant's secrets: the sender must sign with one of them. */
  secrets: Record<string, readonly string[]>;
  /** A fixed port (a developer's stack); absent, a free one. */
  port?: number;
  /** Called with one line per request; absent, the receiver is quiet. */
  log?: (line: string) => void;
}

const KEPT_DELIVERIES = 500;
const ENDPOINT_PATH = /^\/webhooks\/([^/?]+)$/;
const MAX_BODY_BYTES = 1024 * 1024;

/** The tenant a request's path names, or '' (answered 404) when it names none or is malformed. */
function tenantOf(url: string | undefined): string {
  try {
    return decodeURIComponent(ENDPOINT_PATH.exec(url ?? '')?.[1] ?? '');
  } catch {
    return ''; // `%E0%A4%A`: any web page can send it to a loopback port; not worth the stack
  }
}

export async function startWebhookInbox(options: WebhookInboxOptions): Promise<WebhookInbox> {
  const arrived = new Map<string, ReceivedEvent>();
  const waiting = new Map<string, { resolve(event: ReceivedEvent): void; reject(error: Error): void }>();
  const attempts = new Map<string, number>();
  const processedIds = new Set<string>();
  const processed: ReceivedEvent[] = [];
  const deliveries: WebhookDeliveryRecord[] = [];
  const held = new Set<ServerResponse>();
  let requests = 0;
  let badSignatures = 0;
  let refused = 0;
  let redeliveries = 0;
  let mode: ReceiverMode = 'accept';

  const record = (delivery: WebhookDeliveryRecord): void => {
    deliveries.push(delivery);
    if (deliveries.length > KEPT_DELIVERIES) deliveries.shift();
    const retry = delivery.attempt > 1 ? ` (retry ${delivery.attempt - 1})` : '';
    options.log?.(
      `webhook ${delivery.type} ${delivery.tenant}/${delivery.applicationId} id=${delivery.webhookId} ` +
        `signature ${delivery.signature === 'ok' ? 'ok' : `FAILED (${delivery.signature})`} ` +
        `attempt ${delivery.attempt}${retry} -> ${delivery.status === 0 ? 'held unanswered' : delivery.status}`,
    );
  };

  const receive = (request: IncomingMessage, response: ServerResponse, body: Buffer): void => {
    const at = performance.now();
    const tenant = tenantOf(request.url);
    const secrets = Object.hasOwn(options.secrets, tenant) ? options.secrets[tenant] : undefined;
    if (request.method !== 'POST' || !secrets) {
      response.writeHead(404).end();
      return;
    }
    requests += 1;
    const webhookId = String(request.headers['webhook-id'] ?? '');
    const attempt = (attempts.get(webhookId) ?? 0) + 1;
    attempts.set(webhookId, attempt);
    const delivery = {
      receivedAt: new Date().toISOString(),
      tenant,
      webhookId,
      type: '?',
      applicationId: '?',
      signature: 'ok',
      attempt,
    };
    let event: Omit<ReceivedEvent, 'at'>;
    try {
      verifyWebhook({ headers: request.headers, body, secrets });
      event = JSON.parse(body.toString('utf8')) as Omit<ReceivedEvent, 'at'>;
      delivery.type = event.type;
      delivery.applicationId = event.applicationId;
      // Signed with this tenant's secret, but about another tenant's application: misrouted.
      if (event.tenant !== tenant) delivery.signature = `event of tenant ${event.tenant}`;
    } catch (error) {
      // Verified, but not an event (JSON.parse): refused all the same.
      delivery.signature = error instanceof WebhookVerificationError ? error.reason : 'not a JSON event';
    }
    if (delivery.signature !== 'ok') {
      badSignatures += 1;
      response.writeHead(401).end();
      record({ ...delivery, status: 401 });
      return;
    }
    if (mode !== 'accept') {
      refused += 1;
      if (mode === 'fail') response.writeHead(500).end();
      else held.add(response.once('close', () => held.delete(response))); // the sender times out
      record({ ...delivery, status: mode === 'fail' ? 500 : 0 });
      return;
    }
    response.writeHead(204).end();
    record({ ...delivery, status: 204 });
    if (processedIds.has(webhookId)) {
      redeliveries += 1; // a retried delivery: processed once
      return;
    }
    processedIds.add(webhookId);
    const key = `${event!.workflowId}|${event!.type}`;
    const received = { ...event!, at };
    processed.push(received);
    const waiter = waiting.get(key);
    if (waiter) {
      waiting.delete(key);
      waiter.resolve(received);
    } else if (!arrived.has(key)) arrived.set(key, received);
  };

  const server = createServer((request, response) => {
    if (request.method === 'GET' && (request.url === '/' || request.url === '/deliveries.json')) {
      const json = request.url !== '/';
      response
        .writeHead(200, { 'content-type': json ? 'application/json' : 'text/html; charset=utf-8' })
        .end(json ? JSON.stringify(deliveries) : page(deliveries));
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      // lendbridge's events are a few hundred bytes; anything far larger is not one of them.
      if (size > MAX_BODY_BYTES) {
        response.writeHead(413, { connection: 'close' }).end();
        request.destroy();
        return;
      }
      chunks.push(chunk);
    });
    request.on('end', () => {
      if (size <= MAX_BODY_BYTES) receive(request, response, Buffer.concat(chunks));
    });
  });
  server.keepAliveTimeout = 30_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', resolve);
  });
  const { port } = server.address() as AddressInfo;
  const base = `http://127.0.0.1:${port}`;
  const endpoints: WebhookEndpoints = Object.fromEntries(
    Object.entries(options.secrets).map(([tenant, secrets]) => [
      tenant,
      { url: `${base}/webhooks/${encodeURIComponent(tenant)}`, secrets: [...secrets] },
    ]),
  );

  return {
    url: `${base}/`,
    endpoints,
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
    get deliveries() {
      return deliveries;
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

const escapeHtml = (text: string): string => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** The page at `/`: newest first, refreshed every two seconds; nothing loaded from elsewhere. */
function page(deliveries: readonly WebhookDeliveryRecord[]): string {
  const rows = [...deliveries]
    .reverse()
    .map((d) => {
      const cells = [
        d.receivedAt.slice(11, 23),
        d.tenant,
        d.type,
        d.applicationId,
        d.webhookId,
        d.signature === 'ok' ? 'ok' : `failed: ${d.signature}`,
        d.attempt > 1 ? `${d.attempt} (retry)` : '1',
        d.status === 0 ? 'held' : String(d.status),
      ];
      const failed = d.signature !== 'ok' || d.status !== 204;
      return `<tr${failed ? ' class="failed"' : ''}>${cells.map((c) => `<td>${escapeHtml(c)}</td>`).join('')}</tr>`;
    })
    .join('\n');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta http-equiv="refresh" content="2">
<title>lendbridge webhooks</title>
<style>
body { font: 14px system-ui, sans-serif; margin: 1.5rem; }
table { border-collapse: collapse; width: 100%; }
th, td { text-align: left; padding: 0.3rem 0.6rem; border-bottom: 1px solid #ddd; font-variant-numeric: tabular-nums; }
td:nth-child(5) { font-family: ui-monospace, monospace; font-size: 12px; }
tr.failed { background: #fde8e8; }
</style></head><body>
<h1>Webhooks received</h1>
<p>Each request the worker made to this local loan system, newest first, verified with the tenant's
secrets by lendbridge's Standard Webhooks verifier. A retry repeats its webhook-id.</p>
<table><thead><tr><th>time (UTC)</th><th>tenant</th><th>event</th><th>application</th><th>webhook-id</th>
<th>signature</th><th>attempt</th><th>answer</th></tr></thead>
<tbody>
${rows || '<tr><td colspan="8">nothing yet: create an application (see the README)</td></tr>'}
</tbody></table></body></html>
`;
}
