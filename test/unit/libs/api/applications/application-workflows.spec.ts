/**
 * The gateway's deadline: whatever shape a call's failure takes once API_TEMPORAL_TIMEOUT_MS has
 * passed, the API answers 503; the workflow's own answers (a refusal, no such workflow) and early
 * failures pass through unchanged. The Temporal client is a stand-in here; the real server's
 * behaviour is covered by test/integration/api/no-worker.e2e.spec.ts.
 */
import { HttpStatus } from '@nestjs/common';
import type { ArgumentsHost } from '@nestjs/common';
import {
  QueryNotRegisteredError,
  ServiceError,
  WorkflowNotFoundError,
  WorkflowUpdateFailedError,
  WorkflowUpdateRPCTimeoutOrCancelledError,
} from '@temporalio/client';
import type { Client } from '@temporalio/client';
import { ApplicationFailure, CancelledFailure } from '@temporalio/common';
import { ApplicationWorkflows } from '#api/applications/application-workflows';
import { MetricsService } from '#api/observability/metrics.service';
import { ProblemException } from '#api/problem/problem';
import { ProblemFilter } from '#api/problem/problem.filter';
import { grantConsent } from '#domain';
import { requestFingerprint } from '#hashing';
import { testConfig } from '#test-support/config';

const TIMEOUT_MS = 50;

/** A client whose update fails with `error` after `afterMs`, honouring nothing but the timing. */
function gatewayFailingWith(error: Error, afterMs: number): { gateway: ApplicationWorkflows; metrics: MetricsService } {
  const fail = (): Promise<never> =>
    new Promise((_, reject) => {
      setTimeout(() => reject(error), afterMs);
    });
  const client = {
    connection: { withDeadline: (_deadline: number, call: () => Promise<unknown>) => call() },
    workflow: { getHandle: () => ({ executeUpdate: fail, query: fail, describe: fail }) },
  } as unknown as Client;
  const metrics = new MetricsService();
  return {
    gateway: new ApplicationWorkflows(
      client,
      testConfig({
        API_TEMPORAL_TIMEOUT_MS: String(TIMEOUT_MS),
        LEDGER_REGISTRY_ADDRESS: `0x${'1'.repeat(40)}`,
        LEDGER_EVIDENCE_ADDRESS: `0x${'2'.repeat(40)}`,
      }),
      metrics,
    ),
    metrics,
  };
}

const consent = (gateway: ApplicationWorkflows): Promise<unknown> =>
  gateway.act('loan/bank-a/A-1', grantConsent, {
    actor: { subject: 'los-bank-a', roles: ['loan-system'], jurisdictions: [], tenants: ['bank-a'] },
    consent: {} as never,
  });

describe('the Temporal deadline', () => {
  let metrics: MetricsService | undefined;
  afterEach(() => metrics?.onModuleDestroy());

  it.each([
    [
      'a cancelled call',
      new WorkflowUpdateRPCTimeoutOrCancelledError('cancelled', { cause: new CancelledFailure('x') }),
    ],
    ['an error of no known kind', new Error('retry cut short')],
  ])('answers 503 for %s once the deadline has passed', async (_name, error) => {
    const made = gatewayFailingWith(error, TIMEOUT_MS + 20);
    metrics = made.metrics;
    const failure = await consent(made.gateway).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(ProblemException);
    expect((failure as ProblemException).getStatus()).toBe(HttpStatus.SERVICE_UNAVAILABLE);
    expect((failure as ProblemException).slug).toBe('unavailable');
  });

  it.each([
    ['a refusal', new WorkflowUpdateFailedError('refused', ApplicationFailure.create({ message: 'no' }))],
    ['no such workflow', new WorkflowNotFoundError('gone', 'loan/bank-a/A-1', undefined)],
  ])('passes %s through even after the deadline', async (_name, error) => {
    const made = gatewayFailingWith(error, TIMEOUT_MS + 20);
    metrics = made.metrics;
    await expect(consent(made.gateway)).rejects.toBe(error);
  });

  it('passes an early failure through unchanged', async () => {
    const error = new Error('bad request');
    const made = gatewayFailingWith(error, 0);
    metrics = made.metrics;
    await expect(consent(made.gateway)).rejects.toBe(error);
  });
});

describe('the problem filter on a timed-out update', () => {
  /** What the filter sends for an exception: status, Retry-After and the problem's type. */
  function render(exception: unknown): { status?: number; retryAfter?: string; type?: string } {
    const sent: { status?: number; body?: string; headers: Record<string, string> } = { headers: {} };
    const response = {
      getHeader: (name: string) => sent.headers[name],
      setHeader(name: string, value: string) {
        sent.headers[name] = value;
        return this;
      },
      headersSent: false,
      status(code: number) {
        sent.status = code;
        return this;
      },
      type() {
        return this;
      },
      send(body: string) {
        sent.body = body;
        return this;
      },
    };
    const host = {
      switchToHttp: () => ({
        getRequest: () => ({ originalUrl: '/v1/applications/A-1/consent' }),
        getResponse: () => response,
      }),
    } as unknown as ArgumentsHost;
    new ProblemFilter().catch(exception, host);
    const body = JSON.parse(sent.body ?? '{}') as { type?: string };
    return { status: sent.status, retryAfter: sent.headers['Retry-After'], type: body.type };
  }

  const grpc = (code: number): Error =>
    Object.assign(new Error('from the server'), { code, details: 'x', metadata: {} });

  it.each([
    [
      'a timed-out update',
      new WorkflowUpdateRPCTimeoutOrCancelledError('cancelled', { cause: new CancelledFailure('x') }),
      503,
    ],
    ['a query while a workflow task fails', new ServiceError('Failed to query workflow', { cause: grpc(13) }), 503],
    ['an unavailable server', grpc(14), 503],
    ['a failed precondition', grpc(9), 503],
    ['a query the workflow cannot answer yet', new QueryNotRegisteredError('no handler', 3), 503],
    ['Temporal at its limit', grpc(8), 429],
  ])('answers %s with %d and Retry-After, never 500', (_name, exception, status) => {
    expect(render(exception)).toEqual({
      status,
      retryAfter: '5',
      type: `urn:lendbridge:problem:${status === 429 ? 'rate-limited' : 'unavailable'}`,
    });
  });
});

describe('createdBefore: the application a refused create made before', () => {
  const request = { applicationId: 'A-1', product: 'trade-finance', applicantType: 'person' };
  const receivedAs = { tenant: 'bank-a', applicationId: 'A-1', applicantType: 'person' };

  /** A client whose describe answers `describe` (or throws it), and whose query answers a state. */
  function gatewayDescribing(describe: () => Promise<unknown>): {
    gateway: ApplicationWorkflows;
    metrics: MetricsService;
  } {
    const client = {
      connection: { withDeadline: (_deadline: number, call: () => Promise<unknown>) => call() },
      workflow: {
        getHandle: (workflowId: string) => ({
          describe,
          query: () => Promise.resolve({ workflowId, stage: 'APPROVED' }),
        }),
      },
    } as unknown as Client;
    const metrics = new MetricsService();
    const config = testConfig({
      LEDGER_REGISTRY_ADDRESS: `0x${'1'.repeat(40)}`,
      LEDGER_EVIDENCE_ADDRESS: `0x${'2'.repeat(40)}`,
    });
    return { gateway: new ApplicationWorkflows(client, config, metrics), metrics };
  }
  let metrics: MetricsService | undefined;
  afterEach(() => metrics?.onModuleDestroy());

  it('is nothing when no application has the id', async () => {
    const made = gatewayDescribing(() =>
      Promise.reject(new WorkflowNotFoundError('none', 'loan/bank-a/A-1', undefined)),
    );
    metrics = made.metrics;
    await expect(made.gateway.createdBefore('bank-a', 'A-1', request)).resolves.toBeUndefined();
  });

  it('is nothing when the application was made by another body (the refusal stands)', async () => {
    const fingerprint = requestFingerprint({ tenant: 'bank-a', ...request, product: 'other' });
    const made = gatewayDescribing(() => Promise.resolve({ memo: { requestFingerprint: fingerprint, receivedAs } }));
    metrics = made.metrics;
    await expect(made.gateway.createdBefore('bank-a', 'A-1', request)).resolves.toBeUndefined();
  });

  it('is the application the same body made, under the same tenant only', async () => {
    const fingerprint = requestFingerprint({ tenant: 'bank-a', ...request });
    const made = gatewayDescribing(() => Promise.resolve({ memo: { requestFingerprint: fingerprint, receivedAs } }));
    metrics = made.metrics;
    await expect(made.gateway.createdBefore('bank-a', 'A-1', request)).resolves.toMatchObject({
      workflowId: 'loan/bank-a/A-1',
      stage: 'RECEIVED',
    });
    // Another tenant's fingerprint never matches, whatever the id.
    await expect(made.gateway.createdBefore('bank-b', 'A-1', request)).resolves.toBeUndefined();
  });

  it('asks the workflow for its state when the memo has no received input, and lets an outage through', async () => {
    const fingerprint = requestFingerprint({ tenant: 'bank-a', ...request });
    const made = gatewayDescribing(() =>
      Promise.resolve({ memo: { requestFingerprint: fingerprint }, status: { name: 'RUNNING' } }),
    );
    metrics = made.metrics;
    await expect(made.gateway.createdBefore('bank-a', 'A-1', request)).resolves.toMatchObject({ stage: 'APPROVED' });
    const down = gatewayDescribing(() => Promise.reject(new ServiceError('unavailable')));
    await expect(down.gateway.createdBefore('bank-a', 'A-1', request)).rejects.toBeInstanceOf(ServiceError);
    down.metrics.onModuleDestroy();
  });
});
