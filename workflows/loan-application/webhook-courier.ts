/**
 * Delivers an application's events to the loan system one at a time, in the order they were
 * created: the next event goes out only once the one before was acknowledged (a 2xx), so a
 * receiver never sees event n+1 before event n. Delivery is retried until it succeeds; the stages
 * never wait for it (a loan system that is down must not hold up a review), only the workflow's
 * end does. A continued run carries the undelivered events and sends them again under the same ids.
 */
import { CancellationScope, condition } from '@temporalio/workflow';
import { notify } from './activities.js';
import { type ApplicationRecord } from './application-record.js';

export class WebhookCourier {
  private delivering = false;

  constructor(private readonly record: ApplicationRecord) {}

  /** Starts delivering in the background; never cancelled, so a withdrawal is still announced. */
  start(): void {
    const run = CancellationScope.nonCancellable(async () => {
      const { outbox } = this.record.book;
      for (;;) {
        await condition(() => outbox.length > 0);
        this.delivering = true;
        await notify.deliverWebhook(outbox[0]!);
        outbox.shift();
        this.delivering = false;
      }
    });
    run.catch(() => undefined); // ends only with the workflow
  }

  /** Whether no delivery is under way. */
  idle(): boolean {
    return !this.delivering;
  }

  /** Resolves once every event created so far has been acknowledged. */
  async drained(): Promise<void> {
    await CancellationScope.nonCancellable(() =>
      condition(() => this.record.book.outbox.length === 0 && !this.delivering),
    );
  }
}
