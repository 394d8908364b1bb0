/**
 * Reviewers' endpoints. A reviewer reaches only tasks of their jurisdictions; the inbox lists the
 * queues their role works, and the workflow's validators check role, queue and maker-checker for
 * every action (OWASP API5). The acting identity is always the token's.
 */
import { Body, Controller, Get, HttpCode, HttpStatus, Inject, Param, Post, Query, Req } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Request } from 'express';
import {
  applicationWorkflowId,
  claimReview,
  completeReview,
  LoanStage,
  releaseReview,
  reviewQueue,
  type ApplicationState,
  type ReviewOutcome,
} from '../../../../libs/domain/src/index.js';
import { ApplicationWorkflows, quoted, type ApplicationSummary } from '../applications/application-workflows.js';
import { reviewTaskView, type ReviewTaskView } from '../applications/application-view.js';
import { ApiPaths } from '../api-paths.js';
import { CurrentPrincipal, RequireRoles } from '../auth/decorators.js';
import { hasRole, Role, type Principal } from '../auth/principal.js';
import { annotateRequest } from '../observability/request-context.js';
import { applicationNotFound, invalidRequest } from '../problem/problem.js';
import { RefuseBodyPipe } from '../problem/refuse-body.pipe.js';
import { InboxQuery, ReviewDecisionDto, ReviewTaskParams } from './review.dto.js';
import { LendbridgeEndpoint } from '../lendbridge-endpoint.decorator.js';

/** Visibility pages read for one inbox; beyond this the inbox says it is truncated. */
const INBOX_PAGE_SIZE = 1000;
const INBOX_MAX_PAGES = 5;

export interface InboxItem extends ApplicationSummary {
  overdue: boolean;
}

export interface Inbox {
  queues: string[];
  items: InboxItem[];
  /** True when more tasks matched than one inbox lists: narrow it with `queue` or `jurisdiction`. */
  truncated: boolean;
}

@ApiTags('reviewers')
@ApiBearerAuth()
@LendbridgeEndpoint()
@Controller('review-tasks')
@RequireRoles(Role.REVIEWER, Role.SENIOR_REVIEWER)
export class ReviewsController {
  constructor(
    @Inject(ApplicationWorkflows) private readonly workflows: ApplicationWorkflows,
    @Inject(ApiPaths) private readonly paths: ApiPaths,
  ) {}

  @Get()
  @ApiOperation({ summary: "Open tasks of the reviewer's queues, the earliest SLA due first" })
  async inbox(@CurrentPrincipal() principal: Principal, @Query() query: InboxQuery): Promise<Inbox> {
    const queues = queuesOf(principal).filter(
      (queue) =>
        (!query.queue || queue === query.queue) && (!query.jurisdiction || queue.startsWith(`${query.jurisdiction}-`)),
    );
    if (queues.length === 0) return { queues, items: [], truncated: false };
    const clauses = [`LoanStage = ${quoted(LoanStage.IN_REVIEW)}`, `ReviewQueue IN (${queues.map(quoted).join(', ')})`];
    const items: ApplicationSummary[] = [];
    let pageToken: string | undefined;
    let pages = 0;
    do {
      const page = await this.workflows.list(clauses, INBOX_PAGE_SIZE, pageToken);
      items.push(...page.items);
      pageToken = page.nextPageToken;
    } while (pageToken && ++pages < INBOX_MAX_PAGES);
    const now = Date.now();
    // A task without a due time began review before lendbridge recorded one: it is the oldest, so first.
    const due = (item: ApplicationSummary): number => (item.reviewDueAt ? Date.parse(item.reviewDueAt) : 0);
    return {
      queues,
      items: items.sort((a, b) => due(a) - due(b)).map((item) => ({ ...item, overdue: due(item) < now })),
      truncated: pageToken !== undefined,
    };
  }

  @Get(':tenant/:applicationId')
  @ApiOperation({ summary: 'The task: verification receipt, consent, decision fields, timeline' })
  async detail(
    @CurrentPrincipal() principal: Principal,
    @Param() params: ReviewTaskParams,
    @Req() request: Request,
  ): Promise<ReviewTaskView> {
    return this.view(await this.visibleState(principal, params, request));
  }

  @Post(':tenant/:applicationId/claim')
  @HttpCode(HttpStatus.OK)
  async claim(
    @CurrentPrincipal() principal: Principal,
    @Param() params: ReviewTaskParams,
    @Body(RefuseBodyPipe) _body: unknown,
    @Req() request: Request,
  ): Promise<ReviewTaskView> {
    const state = await this.visibleState(principal, params, request);
    return this.view(await this.workflows.update(state.workflowId, claimReview, { actor: actorOf(principal) }));
  }

  @Post(':tenant/:applicationId/release')
  @HttpCode(HttpStatus.OK)
  async release(
    @CurrentPrincipal() principal: Principal,
    @Param() params: ReviewTaskParams,
    @Body(RefuseBodyPipe) _body: unknown,
    @Req() request: Request,
  ): Promise<ReviewTaskView> {
    const state = await this.visibleState(principal, params, request);
    return this.view(await this.workflows.update(state.workflowId, releaseReview, { actor: actorOf(principal) }));
  }

  @Post(':tenant/:applicationId/decision')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({ summary: 'Approve, decline or request a new report (claim the task first)' })
  async decide(
    @CurrentPrincipal() principal: Principal,
    @Param() params: ReviewTaskParams,
    @Body() body: ReviewDecisionDto,
    @Req() request: Request,
  ): Promise<ReviewTaskView> {
    const state = await this.visibleState(principal, params, request);
    const outcome = toOutcome(body);
    return this.view(
      await this.workflows.update(state.workflowId, completeReview, { actor: actorOf(principal), outcome }),
    );
  }

  /**
   * The application, if this reviewer may see it: one of their jurisdictions, and it has reached
   * review. Anything else is "not found", so reviewers cannot probe other jurisdictions' ids. A
   * reviewer may read an escalated task (to hand over context) but only the workflow's rules decide
   * who may act on it.
   */
  private async visibleState(
    principal: Principal,
    params: ReviewTaskParams,
    request: Request,
  ): Promise<ApplicationState> {
    const workflowId = applicationWorkflowId(params.tenant, params.applicationId);
    annotateRequest(request, { workflowId });
    const state = await this.workflows.state(workflowId);
    if (!principal.jurisdictions.includes(state.input.reviewJurisdiction) || !state.review) {
      throw applicationNotFound();
    }
    return state;
  }

  private view(state: ApplicationState): ReviewTaskView {
    const { tenant, applicationId } = state.input;
    return reviewTaskView(
      state,
      {
        self: this.paths.of('review-tasks', tenant, applicationId),
        temporalUi: this.workflows.temporalUiUrl(state.workflowId),
      },
      new Date(),
    );
  }
}

/** The queues a reviewer works: standard ones for every reviewer, senior ones for senior reviewers. */
export function queuesOf(principal: Principal): string[] {
  return principal.jurisdictions.flatMap((jurisdiction) => [
    ...(hasRole(principal, Role.REVIEWER, Role.SENIOR_REVIEWER) ? [reviewQueue(jurisdiction, false)] : []),
    ...(hasRole(principal, Role.SENIOR_REVIEWER) ? [reviewQueue(jurisdiction, true)] : []),
  ]);
}

/** Only what the workflow's rules look at: the subject, roles and jurisdictions of the token. */
function actorOf(principal: Principal): { subject: string; roles: string[]; jurisdictions: string[] } {
  return { subject: principal.subject, roles: [...principal.roles], jurisdictions: [...principal.jurisdictions] };
}

function toOutcome(body: ReviewDecisionDto): ReviewOutcome {
  // Fields of another outcome are refused, not dropped: the reviewer meant something by them.
  const stray = [
    ...(body.outcome !== 'approve' && body.recommendedLimit !== undefined ? ['recommendedLimit'] : []),
    ...(body.outcome !== 'decline' && body.reasonCodes !== undefined ? ['reasonCodes'] : []),
  ];
  if (stray.length > 0) {
    throw invalidRequest(
      stray.map((field) => ({ field, message: `${field} does not go with outcome ${body.outcome}` })),
    );
  }
  const notes = body.notes !== undefined ? { notes: body.notes } : {};
  switch (body.outcome) {
    case 'approve':
      return {
        kind: 'approve',
        recommendedLimit: { amount: body.recommendedLimit!.amount, currency: body.recommendedLimit!.currency },
        ...notes,
      };
    case 'decline':
      return { kind: 'decline', reasonCodes: [...body.reasonCodes!], ...notes };
    case 'request-new-report':
      return { kind: 'request-new-report', ...notes };
  }
}
