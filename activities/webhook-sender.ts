/**
 * Delivers events to the loan system the Standard Webhooks way (libs/webhooks): each tenant has its
 * own endpoint and secrets (WEBHOOK_ENDPOINTS_FILE), and each request carries `webhook-id` (stable
 * across retries, so the receiver processes each event once), `webhook-timestamp` and
 * `webhook-signature` (one signature per secret of the tenant's, so a secret can be rotated). Only a
 * 2xx answer counts: a redirect is not a delivery. Failures throw, and Temporal retries.
 */
import { Inject, Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { ConfigurationError, LENDBRIDGE_CONFIG, type LendbridgeConfig } from '#config';
import type { WebhookEvent } from '#domain';
import { webhookHeaders } from '#webhooks';

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

/**
 * The `webhook-id` of an event: its eventId, with `.` (which tenant and application ids may hold)
 * written `%2E`, since the spec keeps `.` out of the id it signs. No id holds `%`, so this is
 * reversible, and the same event always gets the same webhook-id.
 */
export function webhookIdOf(event: Pick<WebhookEvent, 'eventId'>): string {
  return event.eventId.replaceAll('.', '%2E');
}

/** The default delivery: a signed HTTPS POST to the event's tenant's endpoint. */
@Injectable()
export class WebhookSender implements WebhookDelivery, OnModuleInit {
  private readonly logger = new Logger(WebhookSender.name);

  constructor(@Inject(LENDBRIDGE_CONFIG) private readonly config: LendbridgeConfig) {}

  /** Said once at start, where an operator looks: a deployment that lost the setting sends nothing. */
  onModuleInit(): void {
    if (!this.config.webhook.endpoints) {
      this.logger.warn('WEBHOOK_ENDPOINTS_FILE is not set: this worker sends no webhooks (loan systems must poll)');
    }
  }

  async deliver(event: WebhookEvent): Promise<void> {
    const { endpoints } = this.config.webhook;
    if (!endpoints) {
      this.logger.warn(`no WEBHOOK_ENDPOINTS_FILE configured; event ${event.eventId} (${event.type}) not sent`);
      return;
    }
    const endpoint = Object.hasOwn(endpoints, event.tenant) ? endpoints[event.tenant] : undefined;
    if (!endpoint) {
      // Not skipped: the event (perhaps an application's terminal one) would be lost for good. The
      // delivery is retried, and counted as operator-action-required, until the tenant is added.
      throw new ConfigurationError([
        `WEBHOOK_ENDPOINTS_FILE: no endpoint for tenant ${event.tenant}; event ${event.eventId} (${event.type}) waits until one is added`,
      ]);
    }
    const body = JSON.stringify(event);
    const response = await fetch(endpoint.url, {
      method: 'POST',
      redirect: 'manual',
      signal: AbortSignal.timeout(10_000),
      headers: {
        'content-type': 'application/json',
        ...webhookHeaders({
          id: webhookIdOf(event),
          timestamp: Math.floor(Date.now() / 1000),
          body,
          secrets: endpoint.secrets,
        }),
      },
      body,
    });
    await response.body?.cancel(); // the answer's body is not needed; free the connection
    if (response.status < 200 || response.status > 299) {
      throw new WebhookRefusedError(`webhook ${event.eventId} answered ${response.status}; will retry`);
    }
  }
}
