import { type DynamicModule, Module, type Type } from '@nestjs/common';
import { ConfigurationError, LENDBRIDGE_CONFIG, type LendbridgeConfig } from '#config';
import type { ApplicationReconcilerActivities, LedgerProbeActivities, LoanApplicationActivities } from '#domain';
import { LedgerClient, LedgerModule, LedgerWriter, loadSigner } from '#ledger';
import { LedgerProbeActivitiesService } from './ledger-probe.activities.js';
import { LoanApplicationActivitiesService } from './loan-application.activities.js';
import { WEBHOOK_DELIVERY, WebhookSender, type WebhookDelivery } from './webhook-sender.js';

/** Every activity implementation the worker registers, by the name workflows call it. */
export type LendbridgeActivities = LedgerProbeActivities & LoanApplicationActivities & ApplicationReconcilerActivities;

export interface ActivitiesOptions {
  /** Replaces the signed-HTTP webhook delivery (see WebhookDelivery). */
  webhookDelivery?: Type<WebhookDelivery>;
}

@Module({})
export class ActivitiesModule {
  static register(options: ActivitiesOptions = {}): DynamicModule {
    return {
      module: ActivitiesModule,
      imports: [LedgerModule],
      providers: [
        {
          // Resolved at boot: a worker that cannot sign or has no reference key must not start.
          provide: LedgerWriter,
          useFactory: async (config: LendbridgeConfig, client: LedgerClient) => {
            if (!config.evidence.referenceKey) {
              throw new ConfigurationError(['EVIDENCE_REFERENCE_KEY: required by the worker to record evidence']);
            }
            return new LedgerWriter(client, await loadSigner(config.ledger.signer, client.provider), config.ledger);
          },
          inject: [LENDBRIDGE_CONFIG, LedgerClient],
        },
        WebhookSender,
        { provide: WEBHOOK_DELIVERY, useExisting: options.webhookDelivery ?? WebhookSender },
        ...(options.webhookDelivery ? [options.webhookDelivery] : []),
        LedgerProbeActivitiesService,
        LoanApplicationActivitiesService,
      ],
      exports: [LedgerProbeActivitiesService, LoanApplicationActivitiesService, WEBHOOK_DELIVERY],
    };
  }
}

/**
 * Binds the Nest-managed services into the plain object a Temporal Worker registers; the explicit
 * type makes the compiler check that every activity a workflow proxies is implemented.
 */
export function bindActivities(
  ledgerProbe: LedgerProbeActivitiesService,
  loan: LoanApplicationActivitiesService,
  reconciler: ApplicationReconcilerActivities,
): LendbridgeActivities {
  return {
    readLedgerInfo: () => ledgerProbe.readLedgerInfo(),
    recordEvidence: (input) => loan.recordEvidence(input),
    verifyCreditReport: (input) => loan.verifyCreditReport(input),
    verifyDocument: (input) => loan.verifyDocument(input),
    notifyReviewers: (input) => loan.notifyReviewers(input),
    deliverWebhook: (event) => loan.deliverWebhook(event),
    findApplicationsEndedFromOutside: (input) => reconciler.findApplicationsEndedFromOutside(input),
    announceEnd: (run) => reconciler.announceEnd(run),
  };
}
