import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsDefined,
  IsIn,
  IsObject,
  IsOptional,
  IsString,
  Matches,
  MaxLength,
  MinLength,
  ValidateBy,
  ValidateIf,
  ValidateNested,
} from 'class-validator';
import {
  APPLICANT_TYPES,
  DOCUMENT_KEY_PATTERN,
  ID_PATTERN,
  NEW_VERSION_REASON_MAX_LENGTH,
  type ApplicantType,
} from '#domain';
import { MoneyDto } from '../applications/application.dto.js';
import { FieldsPerValue, SchemaFromValidators } from '../openapi/schema-from-validators.js';
import { CURSOR_SHAPE } from './inbox-cursor.js';
import { DEFAULT_INBOX_LIMIT, MAX_INBOX_LIMIT } from './inbox.js';

export const REVIEW_OUTCOMES = ['approve', 'decline', 'request-new-report', 'request-new-version'] as const;

/**
 * The fields of each outcome: required with it, refused with any other (the reviewer meant something
 * by them, so they are not dropped). The validators, the controller and the document read this.
 */
export const OUTCOME_FIELDS: Record<(typeof REVIEW_OUTCOMES)[number], readonly (keyof ReviewDecisionDto)[]> = {
  approve: ['recommendedLimit'],
  decline: ['reasonCodes'],
  'request-new-report': [],
  'request-new-version': ['documentKey', 'reason'],
};

const checked =
  (field: keyof ReviewDecisionDto) =>
  (dto: ReviewDecisionDto): boolean =>
    dto[field] !== undefined ||
    // hasOwn: an outcome of "constructor" or "__proto__" would find Object's members, not undefined.
    (Object.hasOwn(OUTCOME_FIELDS, dto.outcome) && OUTCOME_FIELDS[dto.outcome].includes(field));

/** A reviewer's decision on a claimed task. Which fields apply depends on the outcome. */
@SchemaFromValidators()
@FieldsPerValue('outcome', OUTCOME_FIELDS)
export class ReviewDecisionDto {
  @ApiProperty({ enum: REVIEW_OUTCOMES })
  @IsIn(REVIEW_OUTCOMES)
  outcome!: (typeof REVIEW_OUTCOMES)[number];

  @ApiPropertyOptional({ type: MoneyDto, description: 'required to approve' })
  @ValidateIf(checked('recommendedLimit'))
  @IsDefined({ message: 'recommendedLimit is required to approve' })
  @IsObject({ message: '$property must be an object' })
  @ValidateNested()
  @Type(() => MoneyDto)
  recommendedLimit?: MoneyDto;

  @ApiPropertyOptional({ example: ['insufficient-income'], description: 'required to decline' })
  @ValidateIf(checked('reasonCodes'))
  @IsDefined({ message: 'reasonCodes is required to decline' })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(10)
  @Matches(/^[a-z0-9][a-z0-9-]{0,39}$/, { each: true, message: 'each reason code must be a code of a-z 0-9 -' })
  reasonCodes?: string[];

  @ApiPropertyOptional({
    example: 'bank-statement/2026-09',
    description: "required to request a new version: the document of the set (a document set's application only)",
  })
  @ValidateIf(checked('documentKey'))
  @IsDefined({ message: 'documentKey is required to request a new version' })
  @IsString()
  @MaxLength(56)
  @Matches(DOCUMENT_KEY_PATTERN, { message: 'documentKey must be a document key: a slot name, or slot/YYYY-MM' })
  documentKey?: string;

  @ApiPropertyOptional({
    example: 'the statement is for another account',
    description: 'required to request a new version: why, in words the loan system can pass to the applicant',
  })
  @ValidateIf(checked('reason'))
  @IsDefined({ message: 'reason is required to request a new version' })
  @IsString()
  @MinLength(1)
  @MaxLength(NEW_VERSION_REASON_MAX_LENGTH)
  @Matches(/\S/, { message: 'reason must say something: not only spaces' })
  reason?: string;

  @ApiPropertyOptional({ maxLength: 2000, description: 'kept with the application, encrypted in its history' })
  @IsOptional()
  @IsString()
  @MaxLength(2000)
  notes?: string;
}

@SchemaFromValidators()
export class ReviewTaskParams {
  @Matches(ID_PATTERN, { message: 'tenant must be 1-64 characters of A-Z a-z 0-9 _ . : -' })
  tenant!: string;

  @Matches(ID_PATTERN, { message: 'applicationId must be 1-64 characters of A-Z a-z 0-9 _ . : -' })
  applicationId!: string;
}

@SchemaFromValidators()
export class InboxQuery {
  @ApiPropertyOptional({ example: 'HK-senior' })
  @IsOptional()
  @Matches(/^[A-Z]{2,3}-(standard|senior)$/, { message: 'queue must look like HK-standard or HK-senior' })
  queue?: string;

  @ApiPropertyOptional({ example: 'HK' })
  @IsOptional()
  @Matches(/^[A-Z]{2,3}$/, { message: 'jurisdiction must be 2-3 capital letters' })
  jurisdiction?: string;

  @ApiPropertyOptional({
    type: 'integer',
    minimum: 1,
    maximum: MAX_INBOX_LIMIT,
    default: DEFAULT_INBOX_LIMIT,
    description: 'tasks per page',
  })
  @IsOptional()
  // Only plain decimal digits become a number ("1e1", "0x10", " 5" stay strings and are refused).
  @Transform(({ value }: { value: unknown }) =>
    typeof value === 'string' && /^\d{1,3}$/.test(value) ? Number(value) : value,
  )
  @ValidateBy({
    name: 'isInboxLimit',
    validator: {
      validate: (value: unknown) =>
        Number.isInteger(value) && (value as number) >= 1 && (value as number) <= MAX_INBOX_LIMIT,
      defaultMessage: () => `limit must be a whole number from 1 to ${MAX_INBOX_LIMIT}`,
    },
  })
  limit?: number;

  @ApiPropertyOptional({ description: 'nextCursor of the previous page, unchanged: the page after it' })
  @IsOptional()
  @IsString()
  @Matches(CURSOR_SHAPE, { message: 'after must be a nextCursor this API returned, unchanged' })
  after?: string;
}

/** One open task, as visibility lists it (no query to the workflow). */
export class InboxItemDto {
  @ApiProperty({ example: 'loan/bank-a/APP-1' })
  workflowId!: string;

  @ApiProperty({ example: 'bank-a' })
  tenant!: string;

  @ApiProperty({ example: 'APP-1' })
  applicationId!: string;

  @ApiPropertyOptional({ enum: APPLICANT_TYPES, description: 'person or company, as stated at creation' })
  applicantType?: ApplicantType;

  @ApiPropertyOptional({ example: 'IN_REVIEW' })
  stage?: string;

  @ApiPropertyOptional({ example: 'HK-standard' })
  queue?: string;

  @ApiPropertyOptional({ example: 'alice', description: 'who holds the task; absent when unclaimed' })
  assignedReviewer?: string;

  @ApiPropertyOptional({ example: 'HK' })
  jurisdiction?: string;

  @ApiPropertyOptional({ example: 'LOS-1' })
  loanSystemReference?: string;

  @ApiPropertyOptional({
    format: 'date-time',
    description: 'when the review round is due; absent for tasks that began review before it was recorded',
  })
  reviewDueAt?: string;

  @ApiPropertyOptional({ example: 12000000, description: 'integer minor units' })
  requestedAmountMinor?: number;

  @ApiPropertyOptional({ format: 'date-time' })
  createdAt?: string;

  @ApiProperty({ description: 'due time passed (always true without a due time)' })
  overdue!: boolean;
}

/** One page of the inbox: the earliest SLA due first. */
export class InboxPageDto {
  @ApiProperty({ example: ['HK-standard'], description: "the reviewer's queues the page covers" })
  queues!: string[];

  @ApiProperty({ example: 42, description: 'open tasks of these queues, on every page' })
  total!: number;

  @ApiProperty({
    type: [InboxItemDto],
    description: 'at most `limit`: tasks without a due time first (first page only), then by due time',
  })
  items!: InboxItemDto[];

  @ApiPropertyOptional({ description: 'pass as `after` for the next page; absent on the last page' })
  nextCursor?: string;

  @ApiProperty({ description: 'true when more pages follow (nextCursor is present)' })
  truncated!: boolean;
}
