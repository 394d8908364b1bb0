/**
 * Reviewers' endpoints. A reviewer reaches only tasks of their jurisdictions; the inbox lists the
 * queues their role works, and the workflow's validators check role, queue and maker-checker for
 * every action (OWASP API5). The acting identity is always the token's.
 */
import { Body, Controller, Get, HttpCode, HttpStatus, Inject, Param, Post, Query, Req } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Request } from 'express';
import { LENDBRIDGE_CONFIG, type LendbridgeConfig } from '#config';
import {
  applicationWorkflowId,
  claimReview,
  completeReview,
  releaseReview,
  reviewQueue,
  type ApplicationState,
  type ReviewOutcome,
} from '#domain';
import { ApiPaths } from '../api-paths.js';
import { ReviewTaskViewDto } from '../applications/application-view.dto.js';
import { reviewTaskView, type ReviewTaskView } from '../applications/application-view.js';
import { ApplicationWorkflows } from '../applications/application-workflows.js';
import { idempotentRequest } from '../applications/idempotency-key.js';
import { CurrentPrincipal, RequireRoles } from '../auth/decorators.js';
import { actorOf, hasRole, Role, type Principal } from '../auth/principal.js';
import { LendbridgeEndpoint } from '../lendbridge-endpoint.decorator.js';
import { annotateRequest } from '../observability/request-context.js';
import { ApiProblems, AUTHENTICATED, WITH_BODY, WORKFLOW_ACTION } from '../openapi/problem-responses.js';
import { applicationNotFound, invalidRequest } from '../problem/problem.js';
import { RefuseBodyPipe } from '../problem/refuse-body.pipe.js';
import { InboxCursors } from './inbox-cursor.js';
import { DEFAULT_INBOX_LIMIT, ReviewInbox, type InboxItem } from './inbox.js';
import { InboxPageDto, InboxQuery, OUTCOME_FIELDS, ReviewDecisionDto, ReviewTaskParams } from './review.dto.js';

export interface Inbox {
  queues: string[];
  /** Open tasks of these queues, on every page. */
  total: number;
  items: InboxItem[];
  /** Pass as `after` for the next page; absent on the last page. */
  nextCursor?: string;
  /** True when more pages follow (`nextCursor` is present). */
  truncated: boolean;
}

@ApiTags('reviewers')
@ApiBearerAuth()
@ApiProblems(...AUTHENTICATED)
@LendbridgeEndpoint()
@Controller('review-tasks')
@RequireRoles(Role.REVIEWER, Role.SENIOR_REVIEWER)
export class ReviewsController {
  private readonly inboxes: ReviewInbox;
  private readonly cursors: InboxCursors;

  constructor(
    @Inject(ApplicationWorkflows) private readonly workflows: ApplicationWorkflows,
    @Inject(ApiPaths) private readonly paths: ApiPaths,
    @Inject(LENDBRIDGE_CONFIG) config: LendbridgeConfig,
  ) {
    this.inboxes = new ReviewInbox(workflows);
    this.cursors = new InboxCursors(config.codec.keys[config.codec.activeKeyId]!);
  }

  @Get()
  @ApiProblems(422, 503)
  @ApiOperation({
    operationId: 'listReviewTasks',
    summary: "Open tasks of the reviewer's queues, the earliest SLA due first, a page at a time",
    description:
      '`total` counts every open task of the queues; `items` holds at most `limit` of them; pass `nextCursor` ' +
      'back as `after` for the next page. Read from Temporal visibility, so a task shows a moment after it ' +
      'enters review and may show once more or be passed over while it changes queue or due time.',
  })
  @ApiOkResponse({ type: InboxPageDto })
  async inbox(@CurrentPrincipal() principal: Principal, @Query() query: InboxQuery): Promise<Inbox> {
    const after = query.after !== undefined ? this.cursors.open(query.after) : undefined;
    const queues = queuesOf(principal).filter(
      (queue) =>
        (!query.queue || queue === query.queue) && (!query.jurisdiction || queue.startsWith(`${query.jurisdiction}-`)),
    );
    if (queues.length === 0) return { queues, total: 0, items: [], truncated: false };
    const page = await this.inboxes.page(
      { queues, tenants: principal.tenants },
      query.limit ?? DEFAULT_INBOX_LIMIT,
      after,
    );
    const nextCursor = page.next && this.cursors.seal(page.next);
    return { queues, total: page.total, items: page.items, ...(nextCursor && { nextCursor }), truncated: !!nextCursor };
  }

  @Get(':tenant/:applicationId')
  @ApiOperation({
    operationId: 'getReviewTask',
    summary: 'The task: verification receipt, consent, decision fields, timeline',
  })
  @ApiProblems(404, 503)
  @ApiOkResponse({ type: ReviewTaskViewDto, description: 'the task' })
  async detail(
    @CurrentPrincipal() principal: Principal,
    @Param() params: ReviewTaskParams,
    @Req() request: Request,
  ): Promise<ReviewTaskView> {
    return this.view(await this.visibleState(principal, params, request));
  }

  @Post(':tenant/:applicationId/claim')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({
    operationId: 'claimReviewTask',
    summary: 'Claim the task: only its holder can decide it (send no body)',
  })
  @ApiProblems(...WITH_BODY, ...WORKFLOW_ACTION)
  @ApiOkResponse({ type: ReviewTaskViewDto, description: 'the task, claimed by the caller' })
  async claim(
    @CurrentPrincipal() principal: Principal,
    @Param() params: ReviewTaskParams,
    @Body(RefuseBodyPipe) _body: unknown,
    @Req() request: Request,
  ): Promise<ReviewTaskView> {
    const workflowId = await this.actionTarget(principal, params, request);
    return this.view(
      await this.workflows.act(workflowId, claimReview, { actor: actorOf(principal) }, idempotentRequest(request, {})),
    );
  }

  @Post(':tenant/:applicationId/release')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({ operationId: 'releaseReviewTask', summary: 'Give the task back to its queue (send no body)' })
  @ApiProblems(...WITH_BODY, ...WORKFLOW_ACTION)
  @ApiOkResponse({ type: ReviewTaskViewDto, description: 'the task, back in its queue' })
  async release(
    @CurrentPrincipal() principal: Principal,
    @Param() params: ReviewTaskParams,
    @Body(RefuseBodyPipe) _body: unknown,
    @Req() request: Request,
  ): Promise<ReviewTaskView> {
    const workflowId = await this.actionTarget(principal, params, request);
    return this.view(
      await this.workflows.act(
        workflowId,
        releaseReview,
        { actor: actorOf(principal) },
        idempotentRequest(request, {}),
      ),
    );
  }

  @Post(':tenant/:applicationId/decision')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({
    operationId: 'decideApplication',
    summary: 'Approve, decline or request a new report (claim the task first)',
  })
  @ApiProblems(...WITH_BODY, ...WORKFLOW_ACTION)
  @ApiOkResponse({ type: ReviewTaskViewDto, description: 'the task after the decision' })
  async decide(
    @CurrentPrincipal() principal: Principal,
    @Param() params: ReviewTaskParams,
    @Body() body: ReviewDecisionDto,
    @Req() request: Request,
  ): Promise<ReviewTaskView> {
    const workflowId = await this.actionTarget(principal, params, request);
    const outcome = toOutcome(body);
    return this.view(
      await this.workflows.act(
        workflowId,
        completeReview,
        { actor: actorOf(principal), outcome },
        idempotentRequest(request, outcome),
      ),
    );
  }

  /**
   * The task a reviewer acts on, if they may: for an open task (in review) the answer comes from
   * its search attributes, with no round trip through a worker before the update itself; for
   * anything else from its state, as for reading it. The refusals are the same either way.
   */
  private async actionTarget(principal: Principal, params: ReviewTaskParams, request: Request): Promise<string> {
    const workflowId = this.reachableWorkflowId(principal, params, request);
    const standing = await this.workflows.reviewStanding(workflowId);
    if (!standing.inReview) return (await this.visibleState(principal, params, request)).workflowId;
    if (!standing.jurisdiction || !principal.jurisdictions.includes(standing.jurisdiction)) throw applicationNotFound();
    return workflowId;
  }

  /**
   * The application's id, if the reviewer serves its tenant: another bank's applications do not
   * exist for them ("not found", before anything is asked of Temporal).
   */
  private reachableWorkflowId(principal: Principal, params: ReviewTaskParams, request: Request): string {
    if (!principal.tenants.includes(params.tenant)) throw applicationNotFound();
    const workflowId = applicationWorkflowId(params.tenant, params.applicationId);
    annotateRequest(request, { workflowId });
    return workflowId;
  }

  /**
   * The application, if this reviewer may see it: one of their tenants and jurisdictions, and it
   * has reached review. Anything else is "not found", so reviewers cannot probe other banks' or
   * jurisdictions' ids. A reviewer may read an escalated task (to hand over context) but only the
   * workflow's rules decide who may act on it.
   */
  private async visibleState(
    principal: Principal,
    params: ReviewTaskParams,
    request: Request,
  ): Promise<ApplicationState> {
    const workflowId = this.reachableWorkflowId(principal, params, request);
    const state = await this.workflows.state(workflowId);
    if (
      !principal.tenants.includes(state.input.tenant) ||
      !principal.jurisdictions.includes(state.input.reviewJurisdiction) ||
      !state.review
    ) {
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

function toOutcome(body: ReviewDecisionDto): ReviewOutcome {
  const stray = Object.entries(OUTCOME_FIELDS)
    .filter(([outcome]) => outcome !== body.outcome)
    .flatMap(([, fields]) => fields.filter((field) => body[field] !== undefined));
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
    case 'request-new-version':
      return { kind: 'request-new-version', documentKey: body.documentKey!, reason: body.reason!, ...notes };
  }
}
