import { Injectable, type OnModuleDestroy } from '@nestjs/common';
import { collectDefaultMetrics, Counter, Histogram, Registry } from 'prom-client';

/** How a request to start a loan-application workflow ended. */
export type WorkflowStartOutcome = 'started' | 'existing' | 'conflict' | 'failed';
export const WORKFLOW_START_OUTCOMES: readonly WorkflowStartOutcome[] = ['started', 'existing', 'conflict', 'failed'];

/** How a workflow update sent on behalf of a caller ended. */
export type WorkflowUpdateOutcome = 'accepted' | 'rejected' | 'not-found' | 'failed';
export const WORKFLOW_UPDATE_OUTCOMES: readonly WorkflowUpdateOutcome[] = [
  'accepted',
  'rejected',
  'not-found',
  'failed',
];

// From a fast cached read to a slow Temporal round trip under load; past 10 s a client has given up.
const HTTP_DURATION_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

// Methods Node accepts are finite, but folding the unusual ones keeps the label set small.
const KNOWN_METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);

/**
 * The API's Prometheus metrics. Each instance owns its registry rather than prom-client's global
 * one, so several apps in one process (tests, mostly) neither clash on names nor share counts.
 */
@Injectable()
export class MetricsService implements OnModuleDestroy {
  readonly registry = new Registry();

  private readonly httpRequests = new Counter({
    name: 'http_requests_total',
    help: 'HTTP requests served, by method, route template and status code.',
    labelNames: ['method', 'route', 'status'] as const,
    registers: [this.registry],
  });

  private readonly httpDuration = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'Time from the request reaching the API middleware to the response being sent.',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: HTTP_DURATION_BUCKETS,
    registers: [this.registry],
  });

  private readonly workflowStarts = new Counter({
    name: 'lendbridge_workflow_starts_total',
    help: 'Requests to start a loan-application workflow, by outcome.',
    labelNames: ['outcome'] as const,
    registers: [this.registry],
  });

  private readonly workflowUpdates = new Counter({
    name: 'lendbridge_workflow_updates_total',
    help: 'Workflow updates sent for callers, by update name and outcome.',
    labelNames: ['update', 'outcome'] as const,
    registers: [this.registry],
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry });
    // Exported at zero from the start, so a rate over the first scrape after a restart is defined.
    for (const outcome of WORKFLOW_START_OUTCOMES) this.workflowStarts.labels(outcome).inc(0);
  }

  /** Counts one served request; `route` must be a template or `unmatched`, never a raw path. */
  recordHttpRequest(method: string, route: string, status: number, durationSeconds: number): void {
    const upper = method.toUpperCase();
    const labels = { method: KNOWN_METHODS.has(upper) ? upper : 'OTHER', route, status: String(status) };
    this.httpRequests.inc(labels);
    this.httpDuration.observe(labels, durationSeconds);
  }

  recordWorkflowStart(outcome: WorkflowStartOutcome): void {
    this.workflowStarts.inc({ outcome });
  }

  /**
   * Counts one update. `update` is the update's definition name (e.g. `grantConsent.name`), a fixed
   * set known at build time; never pass caller input, since every distinct value is a new series.
   */
  recordUpdate(update: string, outcome: WorkflowUpdateOutcome): void {
    this.workflowUpdates.inc({ update, outcome });
  }

  /** The Content-Type of {@link render}'s output (Prometheus text format 0.0.4). */
  get contentType(): string {
    return this.registry.contentType;
  }

  /** Every metric in the Prometheus text exposition format. */
  render(): Promise<string> {
    return this.registry.metrics();
  }

  onModuleDestroy(): void {
    this.registry.clear();
  }
}
