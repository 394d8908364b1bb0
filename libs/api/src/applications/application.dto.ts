/**
 * What loan systems send, as validated DTOs. The global ValidationPipe refuses unknown properties
 * and wrong types before a controller runs; these classes say what "well formed" means. Whether
 * the content fits the application (consent direction, stage, ...) is the workflow's to judge.
 */
import { ApiProperty, ApiPropertyOptional, getSchemaPath } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsDefined,
  IsIn,
  IsInt,
  IsObject,
  IsOptional,
  IsString,
  Matches,
  Max,
  Min,
  ValidateNested,
} from 'class-validator';
import {
  APPLICANT_TYPES,
  BYTES32_PATTERN,
  CURRENCY_EXPONENTS,
  DIRECTIONS,
  HASH_SCHEMES,
  ID_PATTERN,
  LoanStage,
  PRODUCT_PATTERN,
  PRODUCT_RULE,
  SHA256_HEX_PATTERN,
  type ApplicantType,
} from '#domain';
import { SchemaFromValidators, validatedProperties } from '../openapi/schema-from-validators.js';
import { IsRealDateTime } from './date-time.validator.js';

export const ADDRESS_PATTERN = /^0x[0-9a-fA-F]{40}$/;
/** Positive decimal string; at most 13 integer and 2 fraction digits (see libs/domain/src/money.ts). */
const AMOUNT_PATTERN = /^(?!0+(\.0+)?$)(0|[1-9]\d{0,12})(\.\d{1,2})?$/;
const CODE_PATTERN = /^[a-z0-9][a-z0-9-]{0,39}$/;
const CURRENCIES = Object.keys(CURRENCY_EXPONENTS);
/** Names the allowed values, never the value sent (lowercase only: `Person` is refused). */
const APPLICANT_TYPE_MESSAGE = `applicantType must be one of ${APPLICANT_TYPES.join(', ')}`;

@SchemaFromValidators()
export class MoneyDto {
  @ApiProperty({ example: '250000.00', description: 'positive decimal string, never a number' })
  @IsString()
  @Matches(AMOUNT_PATTERN, { message: 'amount must be a positive decimal string with at most 2 decimals' })
  amount!: string;

  @ApiProperty({ enum: CURRENCIES, example: 'HKD' })
  @IsIn(CURRENCIES, { message: `currency must be one of ${CURRENCIES.join(', ')}` })
  currency!: string;
}

@SchemaFromValidators()
export class CreateApplicationDto {
  @ApiProperty({ example: 'APP-2026-0001', pattern: ID_PATTERN.source })
  @IsString()
  @Matches(ID_PATTERN, { message: 'applicationId must be 1-64 characters of A-Z a-z 0-9 _ . : -' })
  applicationId!: string;

  @ApiProperty({ example: 'LOS-778812' })
  @IsString()
  @Matches(ID_PATTERN, { message: 'loanSystemReference must be 1-64 characters of A-Z a-z 0-9 _ . : -' })
  loanSystemReference!: string;

  @ApiProperty({
    example: 'sme-credit-line',
    description:
      "the lender's product: with the applicant type and direction it picks the documents the application must bring (the deployment's requirements; a product that names requirements of its own takes only the applicant types they name, others are a 422)",
  })
  @IsString()
  @Matches(PRODUCT_PATTERN, { message: `product must be ${PRODUCT_RULE}` })
  product!: string;

  @ApiProperty({ type: MoneyDto })
  @IsDefined()
  @IsObject({ message: '$property must be an object' })
  @ValidateNested()
  @Type(() => MoneyDto)
  requestedLimit!: MoneyDto;

  @ApiProperty({ description: "the loan system's pseudonymous applicant reference; never a name or id number" })
  @IsString()
  @Matches(/^[A-Za-z0-9_.:-]{8,128}$/, {
    message: 'applicantReference must be 8-128 characters of A-Z a-z 0-9 _ . : - (a pseudonym, not a name)',
  })
  applicantReference!: string;

  @ApiProperty({
    enum: APPLICANT_TYPES,
    description:
      'whether the applicant is a person or a company; still only the pseudonymous reference says which. A company is decided on a set of documents (credit-policy-v2), a person on one credit report (credit-policy-v1) unless the requirement names a set for persons',
  })
  @IsIn(APPLICANT_TYPES, { message: APPLICANT_TYPE_MESSAGE })
  applicantType!: ApplicantType;

  @ApiProperty({ enum: DIRECTIONS })
  @IsIn(DIRECTIONS)
  direction!: 'northbound' | 'southbound';

  @ApiProperty({ example: 'HK', description: 'jurisdiction of the reviewers who review it' })
  @IsString()
  @Matches(/^[A-Z]{2,3}$/, { message: 'reviewJurisdiction must be 2-3 capital letters, e.g. HK' })
  reviewJurisdiction!: string;
}

@SchemaFromValidators()
export class ConsentDto {
  @ApiProperty({ example: ['credit-assessment'] })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(10)
  @Matches(CODE_PATTERN, { each: true, message: 'each purpose must be a code of a-z 0-9 -' })
  purposes!: string[];

  @ApiProperty({ example: ['credit-report'] })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(10)
  @Matches(CODE_PATTERN, { each: true, message: 'each data category must be a code of a-z 0-9 -' })
  dataCategories!: string[];

  @ApiProperty({ enum: DIRECTIONS })
  @IsIn(DIRECTIONS)
  direction!: 'northbound' | 'southbound';

  @ApiProperty({ description: 'address of the credit reference agency the consent covers' })
  @IsString()
  @Matches(ADDRESS_PATTERN, { message: 'issuer must be a 0x-prefixed 20-byte address' })
  issuer!: string;

  @ApiProperty({ example: '2027-11-20T00:00:00Z' })
  @IsRealDateTime()
  validUntil!: string;

  @ApiProperty({
    description: 'SHA-256 of the consent text shown to the applicant',
    pattern: SHA256_HEX_PATTERN.source,
  })
  @IsString()
  @Matches(SHA256_HEX_PATTERN, { message: 'consentTextHash must be 64 lowercase hex characters' })
  consentTextHash!: string;

  @ApiProperty({ example: 'mobile-app' })
  @IsString()
  @Matches(CODE_PATTERN, { message: 'channel must be a code of a-z 0-9 -' })
  channel!: string;

  @ApiProperty({ example: '2026-11-20T09:00:00Z' })
  @IsRealDateTime()
  capturedAt!: string;
}

/** Why a loan system withdraws or revokes: a code, never free text (it reaches webhooks and history). */
export const WITHDRAWAL_REASONS = [
  'applicant-request',
  'consent-withdrawn',
  'duplicate-application',
  'lender-cancelled',
] as const;

@SchemaFromValidators()
export class WithdrawalDto {
  @ApiProperty({ enum: WITHDRAWAL_REASONS })
  @IsIn(WITHDRAWAL_REASONS)
  reasonCode!: (typeof WITHDRAWAL_REASONS)[number];
}

@SchemaFromValidators()
export class DecisionFieldsDto {
  @ApiProperty({ minimum: 0, maximum: 1000, example: 701 })
  @IsInt()
  @Min(0)
  @Max(1000)
  score!: number;

  @ApiProperty({ enum: ['A', 'B', 'C', 'D', 'E'] })
  @IsIn(['A', 'B', 'C', 'D', 'E'])
  scoreBand!: 'A' | 'B' | 'C' | 'D' | 'E';

  @ApiProperty({ example: [] })
  @IsArray()
  @ArrayMaxSize(20)
  @Matches(CODE_PATTERN, { each: true, message: 'each delinquency flag must be a code of a-z 0-9 -' })
  delinquencyFlags!: string[];
}

@SchemaFromValidators()
export class BatchProofDto {
  @ApiProperty({ pattern: BYTES32_PATTERN.source })
  @Matches(BYTES32_PATTERN, { message: 'merkleRoot must be 0x and 64 lowercase hex characters' })
  merkleRoot!: string;

  @ApiProperty({ type: [String] })
  @IsArray()
  @ArrayMaxSize(64)
  @Matches(BYTES32_PATTERN, { each: true, message: 'each proof element must be 0x and 64 lowercase hex characters' })
  proof!: string[];
}

export const REPORT_SCHEMES = HASH_SCHEMES;

/** The report's hash (computed by the loan system) and the fields the decision needs. */
@SchemaFromValidators()
export class ReportHashDto {
  @ApiProperty({ pattern: SHA256_HEX_PATTERN.source })
  @IsString()
  @Matches(SHA256_HEX_PATTERN, { message: 'reportHash must be 64 lowercase hex characters' })
  reportHash!: string;

  @ApiProperty({ enum: REPORT_SCHEMES })
  @IsIn(REPORT_SCHEMES)
  scheme!: (typeof REPORT_SCHEMES)[number];

  @ApiPropertyOptional()
  @IsOptional()
  @Matches(ADDRESS_PATTERN, { message: 'claimedIssuer must be a 0x-prefixed 20-byte address' })
  claimedIssuer?: string;

  @ApiPropertyOptional({ type: BatchProofDto })
  @IsOptional()
  @IsObject({ message: '$property must be an object' })
  @ValidateNested()
  @Type(() => BatchProofDto)
  batch?: BatchProofDto;

  @ApiProperty({ type: DecisionFieldsDto })
  @IsDefined()
  @IsObject({ message: '$property must be an object' })
  @ValidateNested()
  @Type(() => DecisionFieldsDto)
  decisionFields!: DecisionFieldsDto;
}

/** The multipart form's text fields, beside the `report` file: same rules, as strings. */
export class ReportUploadFieldsDto {
  @IsIn(REPORT_SCHEMES)
  scheme!: (typeof REPORT_SCHEMES)[number];

  @IsOptional()
  @Matches(ADDRESS_PATTERN, { message: 'claimedIssuer must be a 0x-prefixed 20-byte address' })
  claimedIssuer?: string;

  @IsOptional()
  @IsObject({ message: '$property must be an object' })
  @ValidateNested()
  @Type(() => BatchProofDto)
  batch?: BatchProofDto;

  @IsDefined()
  @IsObject({ message: '$property must be an object' })
  @ValidateNested()
  @Type(() => DecisionFieldsDto)
  decisionFields!: DecisionFieldsDto;
}

/**
 * A multipart upload as a form: its text fields (read from the fields DTO's validators), the JSON
 * parts described by `jsonParts`, and one file part, in any order; `scheme` before the file lets a
 * raw file stream into its hash instead of being held until the scheme is named.
 */
export function multipartForm(
  fieldsDto: abstract new (...args: never[]) => unknown,
  jsonParts: Record<string, object>,
  file: { part: string; description: string },
): { schema: Record<string, unknown>; encoding: Record<string, { contentType: string }> } {
  const fields = validatedProperties(fieldsDto);
  const properties: Record<string, object> = {};
  for (const [name, { schema }] of fields) properties[name] = jsonParts[name] ?? schema;
  properties[file.part] = { type: 'string', format: 'binary', minLength: 1, description: file.description };
  return {
    schema: {
      type: 'object',
      properties,
      required: [...[...fields].filter(([, { required }]) => required).map(([name]) => name), file.part],
      additionalProperties: false,
    },
    encoding: {
      ...Object.fromEntries(Object.keys(jsonParts).map((name) => [name, { contentType: 'application/json' }])),
      [file.part]: { contentType: 'application/octet-stream' },
    },
  };
}

export const REPORT_UPLOAD_FORM = multipartForm(
  ReportUploadFieldsDto,
  { decisionFields: { $ref: getSchemaPath(DecisionFieldsDto) }, batch: { $ref: getSchemaPath(BatchProofDto) } },
  {
    part: 'report',
    description:
      'the report file (not empty); parts may come in any order, but with `scheme` first a raw report is hashed as it streams',
  },
);

@SchemaFromValidators()
export class ListApplicationsQuery {
  @ApiPropertyOptional({ enum: Object.values(LoanStage) })
  @IsOptional()
  @IsIn(Object.values(LoanStage))
  stage?: LoanStage;

  @ApiPropertyOptional({ enum: ['APPROVED', 'DECLINED', 'WITHDRAWN', 'EXPIRED', 'FAILED'] })
  @IsOptional()
  @IsIn(['APPROVED', 'DECLINED', 'WITHDRAWN', 'EXPIRED', 'FAILED'])
  outcome?: string;

  @ApiPropertyOptional({ enum: APPLICANT_TYPES, description: 'only applications of this applicant type' })
  @IsOptional()
  @IsIn(APPLICANT_TYPES, { message: APPLICANT_TYPE_MESSAGE })
  applicantType?: ApplicantType;

  @ApiPropertyOptional({ example: 'HK-standard' })
  @IsOptional()
  @Matches(/^[A-Z]{2,3}-(standard|senior)$/, { message: 'queue must look like HK-standard or HK-senior' })
  queue?: string;

  @ApiPropertyOptional({ description: 'created at or after (ISO 8601)' })
  @IsOptional()
  @IsRealDateTime()
  createdFrom?: string;

  @ApiPropertyOptional({ description: 'created before (ISO 8601)' })
  @IsOptional()
  @IsRealDateTime()
  createdTo?: string;

  @ApiPropertyOptional({ minimum: 1, maximum: 200, default: 50 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(200)
  pageSize?: number;

  @ApiPropertyOptional({ description: 'nextPageToken of the previous page' })
  @IsOptional()
  @IsString()
  @Matches(/^[A-Za-z0-9_-]{1,4096}\.[A-Za-z0-9_-]{22}$/, { message: 'pageToken must be a token this API returned' })
  pageToken?: string;
}

@SchemaFromValidators()
export class ApplicationIdParam {
  @Matches(ID_PATTERN, { message: 'applicationId must be 1-64 characters of A-Z a-z 0-9 _ . : -' })
  applicationId!: string;
}
