/**
 * Delivers events to the loan system. Each request is signed with HMAC-SHA256 over
 * `<timestamp>.<body>` so the receiver can check it came from lendbridge and is fresh, and carries
 * the event id, which stays the same across retries so the receiver can process each event once.
 * Only a 2xx answer counts: a redirect is not a delivery. Failures throw, and Temporal retries.
 */
import { createHmac } from 'node:crypto';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { LENDBRIDGE_CONFIG, type LendbridgeConfig } from '#config';
import type { WebhookEvent } from '#domain';

export const SIGNATURE_HEADER = 'lendbridge-signature';
export const EVENT_ID_HEADER = 'lendbridge-event-id';

/** `t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">` */
export function signWebhook(secret: string, timestamp: number, body: string): string {
  const digest = createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex');
  return `t=${timestamp},v1=${digest}`;
}

/**
 * How the worker tells the loan system about an event. A provider a host can replace (a queue, a
 * different signature scheme): `WorkerModule.forRoot(config, { webhookDelivery })`. Whatever
 * replaces it must throw on failure (Temporal retries) and may see one event id more than once.
 */
export interface WebhookDelivery {
  deliver(event: WebhookEvent): Promise<void>;
}

export const WEBHOOK_DELIVERY = Symbol('WebhookDelivery');

/** The loan system did not acknowledge an event (no 2xx); Temporal retries the delivery. */
export class WebhookRefusedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'WebhookRefusedError';
  }
}

/** The default delivery: an HMAC-signed HTTPS POST to WEBHOOK_URL. */
@Injectable()
export class WebhookSender implements WebhookDelivery {
  private readonly logger = new Logger(WebhookSender.name);

  constructor(@Inject(LENDBRIDGE_CONFIG) private readonly config: LendbridgeConfig) {}

  async deliver(event: WebhookEvent): Promise<void> {
    const { url, secret } = this.config.webhook;
    if (!url || !secret) {
      this.logger.log(`no WEBHOOK_URL configured; event ${event.eventId} (${event.type}) not sent`);
      return;
    }
    const body = JSON.stringify(event);
    const response = await fetch(url, {
      method: 'POST',
      redirect: 'manual',
      signal: AbortSignal.timeout(10_000),
      headers: {
        'content-type': 'application/json',
        [EVENT_ID_HEADER]: event.eventId,
        [SIGNATURE_HEADER]: signWebhook(secret, Math.floor(Date.now() / 1000), body),
      },
      body,
    });
    await response.body?.cancel(); // the answer's body is not needed; free the connection
    if (response.status < 200 || response.status > 299) {
      throw new WebhookRefusedError(`webhook ${event.eventId} answered ${response.status}; will retry`);
    }
  }
}
