/**
 * The loan system's view of an application (application-view.ts) as the document describes it.
 * `implements` keeps the two in step: a field the view gains or changes fails to compile here.
 * Nested records the view takes from the domain (verification, decision) are described as objects.
 */
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  APPLICANT_TYPES,
  type ApplicantType,
  type CreditDecision,
  type DocumentEntry,
  DocumentStatus,
  LoanStage,
  type MissingDocument,
  type TimelineEntry,
  type VerificationReceipt,
} from '#domain';
import {
  type ApplicationLinks,
  type ApplicationView,
  type DocumentView,
  type ReviewTaskView,
} from './application-view.js';

const STAGES = Object.values(LoanStage);

export class ApplicationLinksDto implements ApplicationLinks {
  @ApiProperty({ example: '/v1/applications/APP-2026-0001' })
  self!: string;

  @ApiProperty({ description: "the application's workflow in the Temporal UI" })
  temporalUi!: string;
}

export class TimelineEntryDto implements TimelineEntry {
  @ApiProperty({ format: 'date-time' })
  at!: string;

  @ApiProperty({ enum: STAGES })
  stage!: LoanStage;

  @ApiProperty({ example: 'consent granted' })
  event!: string;

  @ApiPropertyOptional({ example: 'los-bank-a' })
  actor?: string;
}

const DOCUMENT_STATUSES = Object.values(DocumentStatus);

export class DocumentViewDto implements DocumentView {
  @ApiProperty({ example: 'bank-statement/2026-09' })
  key!: string;

  @ApiProperty({ example: 'bank-statement' })
  kind!: string;

  @ApiProperty({
    example: 'applicant',
    description: "applicant, or principal-owner for a company owner's own document",
  })
  subject!: string;

  @ApiPropertyOptional({ example: '2026-09', description: "a monthly document's month" })
  month?: string;

  @ApiProperty({ enum: DOCUMENT_STATUSES })
  status!: DocumentStatus;

  @ApiProperty({ description: 'versions submitted so far' })
  versions!: number;

  @ApiPropertyOptional({
    type: 'object',
    properties: {
      version: { type: 'integer' },
      documentHash: { type: 'string' },
      issuer: { type: 'string' },
      submittedAt: { type: 'string' },
      batchRoot: { type: 'string' },
      scheme: { type: 'string' },
      verdict: { type: 'string' },
      verifiedAt: { type: 'string' },
      detail: { type: 'string' },
    },
    required: ['version', 'documentHash', 'issuer', 'submittedAt'],
    description: 'the current version, and its verdict once verified',
  })
  current?: DocumentView['current'];

  @ApiPropertyOptional({
    type: 'object',
    properties: { reason: { type: 'string' }, at: { type: 'string' } },
    required: ['reason', 'at'],
    description: 'a reviewer asked for a new version of this document',
  })
  newVersionRequested?: { reason: string; at: string };
}

const MISSING_DOCUMENTS = {
  type: 'array' as const,
  items: {
    type: 'object' as const,
    properties: {
      key: { type: 'string' },
      kind: { type: 'string' },
      status: { type: 'string', enum: DOCUMENT_STATUSES },
      reason: { type: 'string' },
    },
    required: ['key', 'kind', 'status', 'reason'],
  },
  description: 'what was missing when review started at the deadline',
};

export class ApplicationViewDto implements ApplicationView {
  @ApiProperty({ example: 'bank-a' })
  tenant!: string;

  @ApiProperty({ example: 'APP-2026-0001' })
  applicationId!: string;

  @ApiProperty({ example: 'loan/bank-a/APP-2026-0001' })
  workflowId!: string;

  @ApiProperty({ enum: STAGES, description: 'where the application is: after an action, where it took it' })
  stage!: LoanStage;

  @ApiPropertyOptional({
    enum: APPLICANT_TYPES,
    description:
      'person or company, as stated at creation; absent only for an application another client started with input the API refuses (it failed at once)',
  })
  applicantType?: ApplicantType;

  @ApiProperty({ example: 'LOS-778812' })
  loanSystemReference!: string;

  @ApiProperty({ example: 'sme-credit-line' })
  product!: string;

  @ApiProperty({
    type: 'object',
    properties: { amount: { type: 'string', example: '250000.00' }, currency: { type: 'string', example: 'HKD' } },
    required: ['amount', 'currency'],
  })
  requestedLimit!: { amount: string; currency: string };

  @ApiProperty({ example: 'southbound' })
  direction!: string;

  @ApiProperty({ example: 'HK' })
  reviewJurisdiction!: string;

  @ApiProperty({ example: 'los-bank-a', description: 'the subject of the token that created it' })
  submittedBy!: string;

  @ApiProperty({ example: 'credit-policy-v1' })
  policyVersion!: string;

  @ApiPropertyOptional({
    type: 'object',
    properties: { issuer: { type: 'string' }, validUntil: { type: 'string' }, evidenceHash: { type: 'string' } },
    required: ['issuer', 'validUntil'],
  })
  consent?: { issuer: string; validUntil: string; evidenceHash?: string };

  @ApiPropertyOptional({
    type: 'object',
    properties: { validUntil: { type: 'string' }, evidenceHash: { type: 'string' } },
    required: ['validUntil'],
    description: "a document set's consent (credit-policy-v2)",
  })
  documentConsent?: { validUntil: string; evidenceHash?: string };

  @ApiPropertyOptional({ type: [DocumentViewDto], description: "a document set's documents (credit-policy-v2)" })
  documents?: DocumentViewDto[];

  @ApiPropertyOptional(MISSING_DOCUMENTS)
  missingDocuments?: MissingDocument[];

  @ApiPropertyOptional({
    type: 'object',
    properties: { reportHash: { type: 'string' }, scheme: { type: 'string' }, claimedIssuer: { type: 'string' } },
    required: ['reportHash', 'scheme'],
  })
  report?: { reportHash: string; scheme: string; claimedIssuer?: string };

  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: true,
    description: 'what the ledger said of the report: verdict, anchor',
  })
  verification?: VerificationReceipt;

  @ApiPropertyOptional({
    type: 'object',
    properties: {
      queue: { type: 'string' },
      escalated: { type: 'boolean' },
      dueAt: { type: 'string' },
      approvals: { type: 'integer' },
      approvalsRequired: { type: 'integer' },
    },
    required: ['queue', 'escalated', 'dueAt', 'approvals', 'approvalsRequired'],
  })
  review?: { queue: string; escalated: boolean; dueAt: string; approvals: number; approvalsRequired: number };

  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: true,
    description: 'the outcome, its limit and reasons',
  })
  decision?: CreditDecision;

  @ApiPropertyOptional({ description: 'the hash recorded on the ledger with the decision' })
  decisionEvidenceHash?: string;

  @ApiPropertyOptional({
    type: 'object',
    properties: { reason: { type: 'string' }, at: { type: 'string' } },
    required: ['reason', 'at'],
  })
  ending?: { reason: string; at: string };

  @ApiProperty({ type: [TimelineEntryDto] })
  timeline!: TimelineEntryDto[];

  @ApiProperty({ type: ApplicationLinksDto })
  links!: ApplicationLinksDto;
}

/** A reviewer's view of a task (application-view.ts ReviewTaskView), kept in step the same way. */
export class ReviewTaskViewDto implements ReviewTaskView {
  @ApiProperty({ example: 'bank-a' })
  tenant!: string;

  @ApiProperty({ example: 'APP-2026-0001' })
  applicationId!: string;

  @ApiProperty({ example: 'loan/bank-a/APP-2026-0001' })
  workflowId!: string;

  @ApiProperty({ enum: STAGES })
  stage!: LoanStage;

  @ApiPropertyOptional({
    enum: APPLICANT_TYPES,
    description:
      'person or company, as stated at creation; absent only for an application another client started with input the API refuses (it failed at once)',
  })
  applicantType?: ApplicantType;

  @ApiProperty({ example: 'sme-credit-line' })
  product!: string;

  @ApiProperty({
    type: 'object',
    properties: { amount: { type: 'string', example: '250000.00' }, currency: { type: 'string', example: 'HKD' } },
    required: ['amount', 'currency'],
  })
  requestedLimit!: { amount: string; currency: string };

  @ApiProperty({ example: 'southbound' })
  direction!: string;

  @ApiProperty({ example: 'HK' })
  reviewJurisdiction!: string;

  @ApiProperty({ example: 'los-bank-a' })
  submittedBy!: string;

  @ApiPropertyOptional({ type: 'object', additionalProperties: true, description: 'what the applicant consented to' })
  consent?: ReviewTaskView['consent'];

  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: true,
    description: "what the applicant consented to, document by document (a document set's)",
  })
  documentConsent?: ReviewTaskView['documentConsent'];

  @ApiPropertyOptional({
    type: 'array',
    items: { type: 'object', additionalProperties: true },
    description: 'every document: its status, current version with decision fields, verdict and ledger receipt',
  })
  documents?: DocumentEntry[];

  @ApiPropertyOptional(MISSING_DOCUMENTS)
  missingDocuments?: MissingDocument[];

  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: true,
    description: 'the report hash and decision fields',
  })
  report?: ReviewTaskView['report'];

  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: true,
    description: 'what the ledger said of the report',
  })
  verification?: VerificationReceipt;

  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: true,
    description: 'queue, due time, who holds it, approvals required and the decisions so far',
  })
  review?: ReviewTaskView['review'];

  @ApiPropertyOptional({ type: 'object', additionalProperties: true })
  decision?: CreditDecision;

  @ApiPropertyOptional({
    type: 'object',
    properties: { reason: { type: 'string' }, at: { type: 'string' } },
    required: ['reason', 'at'],
  })
  ending?: { reason: string; at: string };

  @ApiProperty({ type: [TimelineEntryDto] })
  timeline!: TimelineEntryDto[];

  @ApiProperty({ type: ApplicationLinksDto })
  links!: ApplicationLinksDto;
}

/** GET …/documents: the set, and what was missing when review started at the deadline. */
export class DocumentListDto {
  @ApiProperty({ type: [DocumentViewDto] })
  documents!: DocumentViewDto[];

  @ApiPropertyOptional(MISSING_DOCUMENTS)
  missingDocuments?: MissingDocument[];
}
