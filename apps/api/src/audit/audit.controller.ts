import { Controller, Get, Inject, Param, Req } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Client } from '@temporalio/client';
import type { Request } from 'express';
import { LENDBRIDGE_CONFIG, type LendbridgeConfig } from '../../../../libs/config/src/index.js';
import { applicationWorkflowId } from '../../../../libs/domain/src/index.js';
import { ApplicationWorkflows } from '../applications/application-workflows.js';
import { RequireRoles } from '../auth/decorators.js';
import { Role } from '../auth/principal.js';
import { annotateRequest } from '../observability/request-context.js';
import { ReviewTaskParams } from '../reviews/review.dto.js';
import { renderAuditTimeline, type AuditEntry } from './audit-timeline.js';
import { LendbridgeEndpoint } from '../lendbridge-endpoint.decorator.js';

export interface AuditTimeline {
  workflowId: string;
  temporalUi: string;
  entries: AuditEntry[];
}

/** Ops: who did what to an application, and when, read from its Temporal history. */
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
  @ApiOperation({ summary: "The application's audit timeline, rendered from its event history" })
  async audit(@Param() params: ReviewTaskParams, @Req() request: Request): Promise<AuditTimeline> {
    const workflowId = applicationWorkflowId(params.tenant, params.applicationId);
    annotateRequest(request, { workflowId });
    const history = await this.workflows.history(workflowId);
    const entries = await renderAuditTimeline(history, this.temporal.options.loadedDataConverter, {
      namespace: this.config.temporal.namespace,
      workflowId,
    });
    return { workflowId, temporalUi: this.workflows.temporalUiUrl(workflowId), entries };
  }
}
