import { Controller, Get, Inject, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { LENDBRIDGE_CONFIG, type LendbridgeConfig } from '#config';
import { flowStatistics, flowWindow, type FlowStatistics, type FlowWindow } from '#domain';
import { CurrentPrincipal, RequireRoles } from '../auth/decorators.js';
import { Role, type Principal } from '../auth/principal.js';
import { LendbridgeEndpoint } from '../lendbridge-endpoint.decorator.js';
import { ApiProblems, AUTHENTICATED } from '../openapi/problem-responses.js';
import { unprocessableRequest } from '../problem/problem.js';
import { EndedApplications, SupervisionClock, VISIBILITY_SOURCE } from './ended-applications.js';
import { toCsv } from './flow-csv.js';
import { DecisionTimeReportDto, FlowWindowQuery, OutcomeReportDto } from './supervision.dto.js';

interface FlowReport<Cell> {
  window: { period: string; from: string; until: string };
  minCellCount: number;
  source: string;
  cells: Cell[];
}

/**
 * The supervisor's view: counts of the flows per period, lender, direction, applicant type and
 * outcome, never an application. A supervisor token whose `tenants` names lenders sees theirs, one
 * cell each; one without (the regulator, the consortium's operator) sees all lenders together.
 */
@ApiTags('supervisors')
@ApiBearerAuth()
@ApiProblems(...AUTHENTICATED)
@LendbridgeEndpoint()
@Controller('supervision')
@RequireRoles(Role.SUPERVISOR)
export class SupervisionController {
  constructor(
    @Inject(EndedApplications) private readonly ended: EndedApplications,
    @Inject(SupervisionClock) private readonly clock: SupervisionClock,
    @Inject(LENDBRIDGE_CONFIG) private readonly config: LendbridgeConfig,
  ) {}

  @Get('outcomes')
  @ApiOperation({
    operationId: 'listFlowOutcomes',
    summary: 'Applications ended per period, lender, direction, applicant type and outcome',
    description:
      'Counted from Temporal visibility by the time each application ended, over periods that ended an hour ago or ' +
      "more and whose applications Temporal still keeps. Every combination is a cell, per lender of the token's " +
      'tenants (all lenders together, tenant "*", for a token without); a count under SUPERVISION_MIN_CELL_COUNT ' +
      '(5 unless set), none included, is withheld (null), the others are rounded to a multiple of it. No totals.',
  })
  @ApiProblems(422, 503)
  @ApiProduces('application/json', 'text/csv')
  @ApiOkResponse({ type: OutcomeReportDto })
  async outcomes(
    @CurrentPrincipal() principal: Principal,
    @Query() query: FlowWindowQuery,
    @Res({ passthrough: true }) response: Response,
  ): Promise<FlowReport<FlowStatistics['outcomes'][number]> | string> {
    const { window, statistics } = await this.statistics(principal, query);
    const cells = statistics.outcomes;
    if (query.format === 'csv') {
      return this.csv(
        response,
        toCsv(['period', 'tenant', 'direction', 'applicantType', 'outcome', 'applications', 'suppressed'], cells),
      );
    }
    return this.report(window, cells);
  }

  @Get('decision-times')
  @ApiOperation({
    operationId: 'listDecisionTimes',
    summary: 'The median time to decision per period, lender and direction',
    description:
      'Over the applications approved or declined in the period (Temporal visibility), from creation to the end of ' +
      'the workflow, which follows the decision once the loan system has its webhooks. Withheld when they were ' +
      'fewer than SUPERVISION_MIN_CELL_COUNT.',
  })
  @ApiProblems(422, 503)
  @ApiProduces('application/json', 'text/csv')
  @ApiOkResponse({ type: DecisionTimeReportDto })
  async decisionTimes(
    @CurrentPrincipal() principal: Principal,
    @Query() query: FlowWindowQuery,
    @Res({ passthrough: true }) response: Response,
  ): Promise<FlowReport<FlowStatistics['decisionTimes'][number]> | string> {
    const { window, statistics } = await this.statistics(principal, query);
    const cells = statistics.decisionTimes;
    if (query.format === 'csv') {
      return this.csv(response, toCsv(['period', 'tenant', 'direction', 'medianHoursToDecision', 'suppressed'], cells));
    }
    return this.report(window, cells);
  }

  private async statistics(
    principal: Principal,
    query: FlowWindowQuery,
  ): Promise<{ window: FlowWindow; statistics: FlowStatistics }> {
    // The dates first: a window no retention could allow is a 422 even while Temporal is away.
    const now = this.clock.now();
    const shape = flowWindow(query.period, query.from, query.to, { now, retentionMs: Infinity });
    if ('problems' in shape) throw unprocessableRequest(shape.problems);
    const parsed = flowWindow(query.period, query.from, query.to, { now, retentionMs: await this.ended.retentionMs() });
    if ('problems' in parsed) throw unprocessableRequest(parsed.problems);
    const { window } = parsed;
    const applications = await this.ended.within(window, principal.tenants);
    return {
      window,
      statistics: flowStatistics(applications, {
        window,
        tenants: principal.tenants,
        minCellCount: this.config.api.supervisionMinCellCount,
      }),
    };
  }

  private report<Cell>(window: FlowWindow, cells: Cell[]): FlowReport<Cell> {
    return {
      window: { period: window.period, from: window.from.toISOString(), until: window.until.toISOString() },
      minCellCount: this.config.api.supervisionMinCellCount,
      source: VISIBILITY_SOURCE,
      cells,
    };
  }

  private csv(response: Response, body: string): string {
    response.setHeader('Content-Type', 'text/csv; charset=utf-8');
    return body;
  }
}
