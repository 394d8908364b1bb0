import { randomUUID } from 'node:crypto';
import { Controller, HttpCode, HttpStatus, Inject, Post, ServiceUnavailableException } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Client, WorkflowFailedError } from '@temporalio/client';
import { LENDBRIDGE_CONFIG, type LendbridgeConfig } from '#config';
import { LEDGER_PROBE_WORKFLOW, type LedgerInfo } from '#domain';
import { RequireRoles } from '../auth/decorators.js';
import { Role } from '../auth/principal.js';
import { LendbridgeEndpoint } from '../lendbridge-endpoint.decorator.js';
import { ApiProblems, AUTHENTICATED } from '../openapi/problem-responses.js';

export interface LedgerProbeResult {
  workflowId: string;
  runId: string;
  temporalUiUrl: string;
  ledger: LedgerInfo;
}

/** Runs the ledger probe workflow end to end and returns what the worker read from the ledger. */
@ApiTags('ops')
@ApiBearerAuth()
@LendbridgeEndpoint()
@RequireRoles(Role.OPS)
@Controller('ledger-probes')
export class LedgerProbeController {
  constructor(
    @Inject(Client) private readonly temporal: Client,
    @Inject(LENDBRIDGE_CONFIG) private readonly config: LendbridgeConfig,
  ) {}

  @Post()
  @HttpCode(HttpStatus.CREATED)
  @ApiOperation({
    operationId: 'runLedgerProbe',
    summary: 'Run the ledger probe workflow: a worker reads the registries and answers what it found',
  })
  @ApiProblems(...AUTHENTICATED, 415, 503)
  @ApiCreatedResponse({ description: 'what the worker read from the ledger' })
  async run(): Promise<LedgerProbeResult> {
    const { namespace, taskQueue, uiUrl } = this.config.temporal;
    const handle = await this.temporal.workflow.start(LEDGER_PROBE_WORKFLOW, {
      taskQueue,
      workflowId: `ledger-probe-${randomUUID()}`,
      workflowExecutionTimeout: '2 minutes',
    });
    let ledger: LedgerInfo;
    try {
      ledger = (await handle.result()) as LedgerInfo;
    } catch (error) {
      // The ledger, not the caller, is at fault: say so as 503 with the reason, not as a 500.
      if (!(error instanceof WorkflowFailedError)) throw error;
      const rootCause = error.cause?.cause;
      const reason = rootCause instanceof Error ? rootCause.message : (error.cause?.message ?? error.message);
      throw new ServiceUnavailableException(`ledger probe failed: ${reason}`);
    }
    return {
      workflowId: handle.workflowId,
      runId: handle.firstExecutionRunId,
      temporalUiUrl: `${uiUrl}/namespaces/${encodeURIComponent(namespace)}/workflows/${encodeURIComponent(handle.workflowId)}`,
      ledger,
    };
  }
}
