/**
 * The loan system's endpoints. The tenant comes from the token, so a loan system can only name its
 * own applications: another tenant's id simply does not exist for it (OWASP API1).
 */
import {
  Body,
  Controller,
  Get,
  HttpCode,
  HttpStatus,
  Inject,
  Param,
  Post,
  Query,
  Req,
  Res,
  UnsupportedMediaTypeException,
} from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiBody,
  ApiExtraModels,
  ApiOperation,
  ApiResponse,
  ApiTags,
  getSchemaPath,
} from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { LENDBRIDGE_CONFIG, type LendbridgeConfig } from '#config';
import {
  applicationInputProblem,
  applicationWorkflowId,
  grantConsent,
  parseDocumentConsentGrant,
  revokeConsent,
  submitCreditReport,
  submitDocumentUpdate,
  type ApplicationInput,
  type ConsentGrant,
  type DocumentCatalogue,
  type DocumentConsentGrant,
  type DocumentSubmission,
  type ReportSubmission,
} from '#domain';
import { ApiPaths } from '../api-paths.js';
import { CurrentPrincipal, RequireRoles } from '../auth/decorators.js';
import { actorOf, Role, type Principal } from '../auth/principal.js';
import { LendbridgeEndpoint } from '../lendbridge-endpoint.decorator.js';
import { annotateRequest } from '../observability/request-context.js';
import { AcceptsFileUpload } from '../openapi/file-upload.decorator.js';
import { ApiProblems, AUTHENTICATED, WITH_BODY, WORKFLOW_ACTION } from '../openapi/problem-responses.js';
import { invalidRequest, ProblemException, unprocessableRequest, type FieldProblem } from '../problem/problem.js';
import { validateDto } from '../problem/validate-dto.js';
import { APPLICATION_POLICY, isPolicyRefusal, type ApplicationPolicySource } from './application-policy.js';
import { ApplicationViewDto, DocumentListDto } from './application-view.dto.js';
import { applicationView, documentViews, type ApplicationView } from './application-view.js';
import {
  ApplicationWorkflows,
  quoted,
  stageClause,
  type ApplicationSummary,
  type Page,
} from './application-workflows.js';
import {
  ApplicationIdParam,
  ConsentDto,
  CreateApplicationDto,
  ListApplicationsQuery,
  ReportHashDto,
  REPORT_UPLOAD_FORM,
  ReportUploadFieldsDto,
  WithdrawalDto,
} from './application.dto.js';
import {
  DocumentConsentDto,
  DocumentConsentScopeDto,
  DocumentSubmissionDto,
  DOCUMENT_UPLOAD_FORM,
  DocumentUploadFieldsDto,
} from './document.dto.js';
import { idempotencyKeyOf, idempotentRequest } from './idempotency-key.js';
import { readReportUpload } from './report-upload.js';

@ApiTags('loan systems')
@ApiBearerAuth()
@ApiProblems(...AUTHENTICATED)
@LendbridgeEndpoint()
@Controller('applications')
@RequireRoles(Role.LOAN_SYSTEM)
export class ApplicationsController {
  constructor(
    @Inject(ApplicationWorkflows) private readonly workflows: ApplicationWorkflows,
    @Inject(APPLICATION_POLICY) private readonly policies: ApplicationPolicySource,
    @Inject(LENDBRIDGE_CONFIG) private readonly config: LendbridgeConfig,
    @Inject(ApiPaths) private readonly paths: ApiPaths,
  ) {}

  @Post()
  @ApiProblems(...WITH_BODY, 409, 422, 503)
  @ApiResponse({ status: 201, type: ApplicationViewDto, description: 'created, as received (stage RECEIVED)' })
  @ApiResponse({
    status: 200,
    type: ApplicationViewDto,
    description: 'the same request was made before: the application as it is now',
  })
  @ApiOperation({
    operationId: 'createApplication',
    summary: 'Create an application: 201 when new, 200 when the same request was made before',
    description:
      'Answers with the application as received (stage RECEIVED) once Temporal has recorded it, without ' +
      'waiting for a worker; GET shows the stage it moved on to, and the webhooks tell of every outcome.',
  })
  async create(
    @CurrentPrincipal() principal: Principal,
    @Body() body: CreateApplicationDto,
    @Req() request: Request,
    @Res({ passthrough: true }) response: Response,
  ): Promise<ApplicationView> {
    const tenant = tenantOf(principal);
    // Checked first: a malformed key is a 400 whichever way the request is answered.
    const idempotencyKey = idempotencyKeyOf(request);
    annotateRequest(request, { workflowId: applicationWorkflowId(tenant, body.applicationId) });
    const request_ = { ...body, requestedLimit: { ...body.requestedLimit } };
    const policy = this.policies.policyFor({
      tenant,
      product: body.product,
      direction: body.direction,
      applicantType: body.applicantType,
    });
    let input: ApplicationInput | undefined;
    let problems: FieldProblem[];
    if (isPolicyRefusal(policy)) problems = [policy.refused];
    else {
      input = {
        tenant,
        ...request_,
        submittedBy: principal.subject,
        policy,
        eventsPerRun: this.config.workflow.eventsPerRun,
      };
      problems = this.unprocessable(input);
    }
    if (!input || problems.length > 0) {
      // The same request made before the deployment's configuration changed: the application it made.
      const before = await this.workflows.createdBefore(tenant, body.applicationId, request_);
      if (!before) throw unprocessableApplication(problems);
      response.status(HttpStatus.OK);
      response.location(this.paths.of('applications', body.applicationId));
      return this.view(before);
    }
    const { created, state } = await this.workflows.start(input, request_, idempotencyKey);
    response.status(created ? HttpStatus.CREATED : HttpStatus.OK);
    response.location(this.paths.of('applications', body.applicationId));
    return this.view(state);
  }

  /**
   * Input that is well formed but could never be processed is refused before anything starts: a
   * jurisdiction without reviewers here would only expire, a currency without a four-eyes
   * threshold could not be reviewed.
   */
  private unprocessable(input: ApplicationInput): FieldProblem[] {
    const served = this.config.review.jurisdictions;
    if (!served.includes(input.reviewJurisdiction))
      return [
        {
          field: 'reviewJurisdiction',
          message: `no reviewers serve this jurisdiction here (served: ${served.join(', ')})`,
        },
      ];
    const inputProblem = applicationInputProblem(input);
    if (!inputProblem) return [];
    const [field = 'body', ...rest] = inputProblem.split(': ');
    return [{ field, message: rest.join(': ') || inputProblem }];
  }

  @Get()
  @ApiProblems(422, 503)
  @ApiResponse({ status: 200, description: 'a page of applications' })
  @ApiOperation({
    operationId: 'listApplications',
    summary: "List the tenant's applications (Temporal visibility; eventually consistent)",
  })
  async list(
    @CurrentPrincipal() principal: Principal,
    @Query() query: ListApplicationsQuery,
  ): Promise<Page<Omit<ApplicationSummary, 'assignedReviewer' | 'runId' | 'executionStatus'>>> {
    const clauses = [`Tenant = ${quoted(tenantOf(principal))}`];
    if (query.stage) clauses.push(stageClause('LoanStage', query.stage));
    if (query.outcome) clauses.push(stageClause('LoanOutcome', query.outcome));
    if (query.applicantType) clauses.push(`ApplicantType = ${quoted(query.applicantType)}`);
    if (query.queue) clauses.push(`ReviewQueue = ${quoted(query.queue)}`, `ExecutionStatus = 'Running'`);
    if (query.createdFrom) clauses.push(`StartTime >= ${quoted(new Date(query.createdFrom).toISOString())}`);
    if (query.createdTo) clauses.push(`StartTime < ${quoted(new Date(query.createdTo).toISOString())}`);
    const page = await this.workflows.list(clauses, query.pageSize ?? 50, query.pageToken);
    // Which reviewer holds a task, and Temporal's run ids, are the lender's business, not the loan system's.
    return {
      ...page,
      items: page.items.map(({ assignedReviewer: _reviewer, runId: _run, executionStatus: _status, ...item }) => item),
    };
  }

  @Get(':applicationId')
  @ApiProblems(404, 503)
  @ApiOperation({ operationId: 'getApplication', summary: 'The application, as the loan system sees it' })
  @ApiResponse({ status: 200, type: ApplicationViewDto, description: 'the application' })
  async get(
    @CurrentPrincipal() principal: Principal,
    @Param() { applicationId }: ApplicationIdParam,
    @Req() request: Request,
  ): Promise<ApplicationView> {
    return this.view(await this.workflows.state(this.workflowId(principal, applicationId, request)));
  }

  @Post(':applicationId/consent')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({
    operationId: 'grantConsent',
    summary: "Record the applicant's consent",
    description:
      "A credit report's consent (credit-policy-v1) names its data categories and one issuer; a document set's " +
      '(credit-policy-v2, see policyVersion) names, per document key or kind, the data categories and issuers. ' +
      "A document set's consent is checked by the same rules the workflow applies: a problem with it is a 422 " +
      'naming every field at fault.',
  })
  @ApiExtraModels(ConsentDto, DocumentConsentDto, DocumentConsentScopeDto)
  @ApiBody({ schema: { oneOf: [{ $ref: getSchemaPath(ConsentDto) }, { $ref: getSchemaPath(DocumentConsentDto) }] } })
  @ApiProblems(...WITH_BODY, ...WORKFLOW_ACTION)
  @ApiResponse({ status: 200, type: ApplicationViewDto, description: 'the application' })
  async grantConsent(
    @CurrentPrincipal() principal: Principal,
    @Param() { applicationId }: ApplicationIdParam,
    @Req() request: Request,
  ): Promise<ApplicationView> {
    const workflowId = this.workflowId(principal, applicationId, request);
    const grant = await consentFrom(request.body, this.config.documents.catalogue);
    return this.view(
      await this.workflows.act(
        workflowId,
        grantConsent,
        { actor: actorOf(principal), consent: grant },
        idempotentRequest(request, grant),
      ),
    );
  }

  @Post(':applicationId/consent/revocation')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({
    operationId: 'revokeConsent',
    summary: 'The applicant revoked consent: the application is withdrawn',
  })
  @ApiProblems(...WITH_BODY, ...WORKFLOW_ACTION)
  @ApiResponse({ status: 200, type: ApplicationViewDto, description: 'the application' })
  async revokeConsent(
    @CurrentPrincipal() principal: Principal,
    @Param() { applicationId }: ApplicationIdParam,
    @Body() body: WithdrawalDto,
    @Req() request: Request,
  ): Promise<ApplicationView> {
    const workflowId = this.workflowId(principal, applicationId, request);
    const reason = `consent revoked (${body.reasonCode})`;
    return this.view(
      await this.workflows.act(
        workflowId,
        revokeConsent,
        { actor: actorOf(principal), reason },
        idempotentRequest(request, { revocation: body.reasonCode }),
      ),
    );
  }

  @Post(':applicationId/withdrawal')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({ operationId: 'withdrawApplication', summary: 'Withdraw the application' })
  @ApiProblems(...WITH_BODY, ...WORKFLOW_ACTION)
  @ApiResponse({ status: 200, type: ApplicationViewDto, description: 'the application' })
  async withdraw(
    @CurrentPrincipal() principal: Principal,
    @Param() { applicationId }: ApplicationIdParam,
    @Body() body: WithdrawalDto,
    @Req() request: Request,
  ): Promise<ApplicationView> {
    const workflowId = this.workflowId(principal, applicationId, request);
    const reason = `withdrawn by the loan system (${body.reasonCode})`;
    return this.view(
      await this.workflows.act(
        workflowId,
        revokeConsent,
        { actor: actorOf(principal), reason },
        idempotentRequest(request, { withdrawal: body.reasonCode }),
      ),
    );
  }

  @Post(':applicationId/credit-report')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({
    operationId: 'submitReport',
    summary: 'Submit the credit report: the file (multipart, hashed as it streams, never stored) or its hash (JSON)',
    description:
      'Either the hash as JSON, or the file as multipart/form-data: text fields (`decisionFields` and `batch` as ' +
      'JSON documents) and one file part named `report`. The file is hashed under the scheme named and never ' +
      'stored; with `scheme` sent before the file, a sha256-raw-v1 report is hashed as it streams, never held whole.',
  })
  @AcceptsFileUpload(REPORT_UPLOAD_FORM)
  @ApiBody({ type: ReportHashDto })
  @ApiProblems(...WITH_BODY, ...WORKFLOW_ACTION)
  @ApiResponse({ status: 200, type: ApplicationViewDto, description: 'the application' })
  async submitCreditReport(
    @CurrentPrincipal() principal: Principal,
    @Param() { applicationId }: ApplicationIdParam,
    @Req() request: Request,
  ): Promise<ApplicationView> {
    const workflowId = this.workflowId(principal, applicationId, request);
    const report = request.is('multipart/form-data')
      ? await this.readUpload(request)
      : request.is('application/json')
        ? toSubmission(await validateDto(ReportHashDto, request.body))
        : (() => {
            throw new UnsupportedMediaTypeException(
              'send application/json (the hash) or multipart/form-data (the file)',
            );
          })();
    return this.view(
      await this.workflows.act(
        workflowId,
        submitCreditReport,
        { actor: actorOf(principal), report },
        idempotentRequest(request, report),
      ),
    );
  }

  @Get(':applicationId/documents')
  @ApiProblems(404, 409, 503)
  @ApiOperation({
    operationId: 'listDocuments',
    summary: "A document set's documents: each one's status, current version and verdict",
    description:
      "The documents the application's requirement names, fixed when it was created: the deployment's requirement for its " +
      'product, applicant type and direction (by default, for a southbound company: company-credit-report, one ' +
      'bank-statement/YYYY-MM for each of the six whole months before creation, owner-credit-report; northbound the ' +
      'same and business-registration). A person decided on one credit report (credit-policy-v1) has no set: 409.',
  })
  @ApiResponse({
    status: 200,
    type: DocumentListDto,
    description: 'the documents, in the order the requirement names them',
  })
  async listDocuments(
    @CurrentPrincipal() principal: Principal,
    @Param() { applicationId }: ApplicationIdParam,
    @Req() request: Request,
  ): Promise<DocumentListDto> {
    const state = await this.workflows.state(this.workflowId(principal, applicationId, request));
    if (!state.documents) {
      throw new ProblemException(
        HttpStatus.CONFLICT,
        'conflict',
        'Not possible in the current state',
        `this application verifies one credit report (${state.input.policy.version}), not a document set`,
      );
    }
    return {
      documents: documentViews(state.documents.documents),
      ...(state.missingDocuments && { missingDocuments: state.missingDocuments }),
    };
  }

  @Post(':applicationId/documents')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({
    operationId: 'submitDocument',
    summary:
      'Submit one document of the set: the file (multipart, hashed as it streams, never stored) or its hash (JSON)',
    description:
      'One version of one document, named by its key (GET …/documents lists them); in any order, while the ' +
      'application awaits its documents, and in review only for a document a reviewer asked a new version of. ' +
      'Each is verified on the ledger as soon as it arrives. Either JSON with the hash, or multipart/form-data: ' +
      'text fields (`fields` and `batch` as JSON documents) and one file part named `document`.',
  })
  @AcceptsFileUpload(DOCUMENT_UPLOAD_FORM)
  @ApiBody({ type: DocumentSubmissionDto })
  @ApiProblems(...WITH_BODY, ...WORKFLOW_ACTION)
  @ApiResponse({ status: 200, type: ApplicationViewDto, description: 'the application' })
  async submitDocument(
    @CurrentPrincipal() principal: Principal,
    @Param() { applicationId }: ApplicationIdParam,
    @Req() request: Request,
  ): Promise<ApplicationView> {
    const workflowId = this.workflowId(principal, applicationId, request);
    const dto = request.is('multipart/form-data')
      ? await this.readDocumentUpload(request)
      : request.is('application/json')
        ? await validateDto(DocumentSubmissionDto, request.body)
        : (() => {
            throw new UnsupportedMediaTypeException(
              'send application/json (the hash) or multipart/form-data (the file)',
            );
          })();
    const document = toDocumentSubmission(dto);
    return this.view(
      await this.workflows.act(
        workflowId,
        submitDocumentUpdate,
        { actor: actorOf(principal), document },
        idempotentRequest(request, document),
      ),
    );
  }

  private async readDocumentUpload(request: Request): Promise<DocumentSubmissionDto> {
    const upload = await readReportUpload(request, {
      maxReportBytes: this.config.api.reportMaxBytes,
      filePart: 'document',
    });
    const fields: Record<string, unknown> = { scheme: upload.scheme };
    for (const [name, value] of Object.entries(upload.fields)) {
      fields[name] = name === 'fields' || name === 'batch' ? parseJsonField(name, value) : value;
    }
    const dto = await validateDto(DocumentUploadFieldsDto, fields);
    return { ...dto, documentHash: upload.reportHash };
  }

  private async readUpload(request: Request): Promise<ReportSubmission> {
    const upload = await readReportUpload(request, { maxReportBytes: this.config.api.reportMaxBytes });
    const fields: Record<string, unknown> = { scheme: upload.scheme };
    for (const [name, value] of Object.entries(upload.fields)) {
      fields[name] = name === 'decisionFields' || name === 'batch' ? parseJsonField(name, value) : value;
    }
    const dto = await validateDto(ReportUploadFieldsDto, fields);
    return toSubmission({ ...dto, reportHash: upload.reportHash });
  }

  private workflowId(principal: Principal, applicationId: string, request: Request): string {
    const workflowId = applicationWorkflowId(tenantOf(principal), applicationId);
    annotateRequest(request, { workflowId });
    return workflowId;
  }

  private view(state: Parameters<typeof applicationView>[0]): ApplicationView {
    return applicationView(state, {
      self: this.paths.of('applications', state.input.applicationId),
      temporalUi: this.workflows.temporalUiUrl(state.workflowId),
    });
  }
}

/** The token verifier guarantees a tenant on loan-system tokens; this states it for the compiler. */
function tenantOf(principal: Principal): string {
  if (!principal.tenant) throw new Error('a loan-system principal without a tenant passed the token verifier');
  return principal.tenant;
}

function parseJsonField(name: string, value: string): unknown {
  try {
    return JSON.parse(value) as unknown;
  } catch {
    throw invalidRequest([{ field: name, message: 'must be a JSON document' }]);
  }
}

/** Plain data for the workflow: class instances would carry nothing more, and payloads want plain JSON. */
function toSubmission(dto: Omit<ReportHashDto, never>): ReportSubmission {
  return {
    reportHash: dto.reportHash,
    scheme: dto.scheme,
    ...(dto.claimedIssuer && { claimedIssuer: dto.claimedIssuer }),
    ...(dto.batch && { batch: { merkleRoot: dto.batch.merkleRoot, proof: [...dto.batch.proof] } }),
    decisionFields: {
      score: dto.decisionFields.score,
      scoreBand: dto.decisionFields.scoreBand,
      delinquencyFlags: [...dto.decisionFields.delinquencyFlags],
    },
  };
}

/** 422: input that is well formed but could never be processed, every problem named. */
const unprocessableApplication = (problems: FieldProblem[]): ProblemException =>
  unprocessableRequest(problems, 'The application cannot be processed');

/**
 * The consent as the workflow takes it: a document set's (it names `documents` or `kinds`) checked
 * by the domain's parser, the workflow's own rule, every problem answered at once (422), so the two
 * can never disagree; anything else validated as a credit report's, like every DTO (400).
 */
async function consentFrom(body: unknown, catalogue: DocumentCatalogue): Promise<ConsentGrant | DocumentConsentGrant> {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw invalidRequest([{ field: 'body', message: 'must be a JSON object' }]);
  }
  // Only a document set's consent names documents or kinds; anything else is read as a report's,
  // so a body that is neither (an empty object, a report's consent gone wrong) is a 400.
  if (!('kinds' in body) && !('documents' in body)) return { ...(await validateDto(ConsentDto, body)) };
  const parsed = parseDocumentConsentGrant(body, catalogue);
  if (!parsed.ok) {
    const problems = parsed.problems.map((p) => ({ ...p, field: p.field.replace(/^consent\.?/, '') || 'body' }));
    throw unprocessableRequest(problems, 'The consent cannot be recorded');
  }
  return parsed.grant;
}

/** Plain data for the workflow, as toSubmission does for a report. */
function toDocumentSubmission(dto: Omit<DocumentSubmissionDto, never>): DocumentSubmission {
  return {
    documentKey: dto.documentKey,
    documentHash: dto.documentHash,
    issuer: dto.issuer,
    fields: JSON.parse(JSON.stringify(dto.fields)) as unknown,
    ...(dto.batch && { batch: { merkleRoot: dto.batch.merkleRoot, proof: [...dto.batch.proof] } }),
    ...(dto.scheme && { scheme: dto.scheme }),
  };
}
