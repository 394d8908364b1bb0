import { Controller, Get, Inject, Param, Req } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Client } from '@temporalio/client';
import type { Request } from 'express';
import { LENDBRIDGE_CONFIG, type LendbridgeConfig } from '#config';
import { applicationWorkflowId } from '#domain';
import { ApplicationWorkflows } from '../applications/application-workflows.js';
import { CurrentPrincipal, RequireRoles } from '../auth/decorators.js';
import { Role, type Principal } from '../auth/principal.js';
import { LendbridgeEndpoint } from '../lendbridge-endpoint.decorator.js';
import { annotateRequest } from '../observability/request-context.js';
import { ApiProblems, AUTHENTICATED } from '../openapi/problem-responses.js';
import { applicationNotFound } from '../problem/problem.js';
import { ReviewTaskParams } from '../reviews/review.dto.js';
import { renderAuditTimeline, type AuditEntry } from './audit-timeline.js';

export interface AuditTimeline {
  workflowId: string;
  temporalUi: string;
  /** Runs of the application, oldest first: more than one once it continued as new. */
  runs: string[];
  entries: (AuditEntry & { runId: string })[];
}

/**
 * Ops: who did what to an application, and when, read from the Temporal histories of all its runs.
 * An ops token that lists tenants sees only theirs; one without (the platform's operator) sees all.
 */
@ApiTags('ops')
@ApiBearerAuth()
@LendbridgeEndpoint()
@Controller('ops/applications')
@RequireRoles(Role.OPS)
export class AuditController {
  constructor(
    @Inject(ApplicationWorkflows) private readonly workflows: ApplicationWorkflows,
    @Inject(Client) private readonly temporal: Client,
    @Inject(LENDBRIDGE_CONFIG) private readonly config: LendbridgeConfig,
  ) {}

  @Get(':tenant/:applicationId/audit')
  @ApiOperation({
    operationId: 'getAuditTimeline',
    summary: "The application's audit timeline, rendered from its event history",
  })
  @ApiProblems(...AUTHENTICATED, 404, 503)
  @ApiOkResponse({ description: 'the timeline' })
  async audit(
    @CurrentPrincipal() principal: Principal,
    @Param() params: ReviewTaskParams,
    @Req() request: Request,
  ): Promise<AuditTimeline> {
    if (principal.tenants.length > 0 && !principal.tenants.includes(params.tenant)) throw applicationNotFound();
    const workflowId = applicationWorkflowId(params.tenant, params.applicationId);
    annotateRequest(request, { workflowId });
    const runs = await this.workflows.lineage(workflowId);
    const entries: AuditTimeline['entries'] = [];
    for (const { runId, history } of runs) {
      const rendered = await renderAuditTimeline(history, this.temporal.options.loadedDataConverter, {
        namespace: this.config.temporal.namespace,
        workflowId,
      });
      entries.push(...rendered.map((entry) => ({ ...entry, runId })));
    }
    return {
      workflowId,
      temporalUi: this.workflows.temporalUiUrl(workflowId),
      runs: runs.map((run) => run.runId),
      entries,
    };
  }
}
