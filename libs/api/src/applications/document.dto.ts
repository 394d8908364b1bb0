/**
 * What a loan system sends for a document-set application (credit-policy-v2): the applicant's
 * consent per document, and one document at a time. The shapes are checked here; what fits the
 * application (a key it requires, a kind's fields, an issuer inside the consent) is the workflow's
 * to judge, with the domain's rules (document-set.ts, document-consent.ts).
 */
import { ApiProperty, ApiPropertyOptional, getSchemaPath } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsDefined, IsIn, IsObject, IsString, Matches, MaxLength, ValidateIf, ValidateNested } from 'class-validator';
import {
  CONSENT_CODE_MAX_LENGTH,
  CONSENT_CODE_PATTERN,
  CONSENT_GRANT_LIMITS,
  DEFAULT_DOCUMENT_CATALOGUE,
  DIRECTIONS,
  DOCUMENT_KEY_PATTERN,
  MAX_BATCH_PROOF_LENGTH,
  SHA256_HEX_PATTERN,
  StandardDocumentKind,
  type DocumentFieldSpec,
} from '#domain';
import { SchemaFromValidators } from '../openapi/schema-from-validators.js';
import { ADDRESS_PATTERN, BatchProofDto, multipartForm, REPORT_SCHEMES } from './application.dto.js';

/** A document key is at most a 48-character slot name and `/YYYY-MM`. */
export const DOCUMENT_KEY_MAX_LENGTH = 56;
const NAME_PATTERN = CONSENT_CODE_PATTERN.source;
const DATE_TIME = { type: 'string', format: 'date-time' } as const;

/** The schema of one scope of a per-document consent (described only: the domain parses it). */
@SchemaFromValidators()
export class DocumentConsentScopeDto {
  @ApiProperty({
    type: 'array',
    // A data category is named like a document kind: 3 to 48 characters.
    items: { type: 'string', pattern: NAME_PATTERN, minLength: 3, maxLength: 48 },
    minItems: 1,
    maxItems: CONSENT_GRANT_LIMITS.dataCategories,
    example: ['bank-statement'],
    description: "the data categories the applicant allows, e.g. credit-report for a personal credit report's",
  })
  dataCategories!: string[];

  @ApiProperty({
    type: 'array',
    items: { type: 'string', pattern: ADDRESS_PATTERN.source },
    minItems: 1,
    maxItems: CONSENT_GRANT_LIMITS.issuers,
    description: 'the issuers (0x addresses) whose documents may be used',
  })
  issuers!: string[];
}

const scopes = (what: string) => ({
  type: 'object' as const,
  additionalProperties: { $ref: getSchemaPath(DocumentConsentScopeDto) },
  minProperties: 1,
  maxProperties: CONSENT_GRANT_LIMITS.scopes,
  description: what,
});

/**
 * A document set's consent as the document describes it. It is not validated through
 * class-validator: parseDocumentConsentGrant (the domain's, which the workflow applies too) checks
 * it, so the API and the workflow can never disagree on what a consent is.
 */
@SchemaFromValidators()
export class DocumentConsentDto {
  @ApiProperty({
    type: 'array',
    items: { type: 'string', pattern: NAME_PATTERN, maxLength: CONSENT_CODE_MAX_LENGTH },
    minItems: 1,
    maxItems: CONSENT_GRANT_LIMITS.purposes,
    example: ['credit-assessment'],
    description: 'must include credit-assessment',
  })
  purposes!: string[];

  @ApiProperty({ enum: DIRECTIONS })
  direction!: 'northbound' | 'southbound';

  @ApiPropertyOptional({ ...DATE_TIME, description: 'start of validity; from capture when absent' })
  validFrom?: string;

  @ApiProperty({ ...DATE_TIME, example: '2027-11-20T00:00:00Z', description: 'end of validity (exclusive)' })
  validUntil!: string;

  @ApiPropertyOptional(
    scopes(
      "scopes by document key (a slot name, or slot/YYYY-MM); a key that is not the applicant's own (owner-credit-report) needs one",
    ),
  )
  documents?: Record<string, DocumentConsentScopeDto>;

  @ApiPropertyOptional({
    ...scopes("scopes by document kind, for the applicant's own documents of that kind without a scope of their own"),
    example: {
      [StandardDocumentKind.BANK_STATEMENT]: {
        dataCategories: ['bank-statement'],
        issuers: ['0x9965507D1a55bcC2695C58ba16FB37d819B0A4dc'],
      },
    },
  })
  kinds?: Record<string, DocumentConsentScopeDto>;

  @ApiProperty({
    pattern: SHA256_HEX_PATTERN.source,
    description: 'SHA-256 of the consent text shown to the applicant',
  })
  consentTextHash!: string;

  @ApiProperty({ pattern: NAME_PATTERN, maxLength: CONSENT_CODE_MAX_LENGTH, example: 'mobile-app' })
  channel!: string;

  @ApiProperty({ ...DATE_TIME, example: '2026-11-20T09:00:00Z' })
  capturedAt!: string;
}

/** One field's rule in words, for the OpenAPI description: `score (integer 0-1000)`. */
function fieldRule(name: string, spec: DocumentFieldSpec): string {
  let rule: string;
  switch (spec.type) {
    case 'integer':
      rule = `integer ${spec.min}-${spec.max}`;
      break;
    case 'enum':
      rule = spec.values.join('|');
      break;
    case 'money':
      rule = '{ minorUnits, currency }';
      break;
    case 'month':
      rule = 'YYYY-MM';
      break;
    case 'date':
      rule = 'YYYY-MM-DD';
      break;
    default: {
      const unknown: never = spec;
      throw new Error(`no description for the field type of ${JSON.stringify(unknown)}`);
    }
  }
  return `${name} (${rule}${spec.required === false ? ', optional' : ''})`;
}

/** The standard kinds and their fields, from the catalogue itself: the document never drifts from it. */
const STANDARD_KIND_FIELDS = Object.entries(DEFAULT_DOCUMENT_CATALOGUE.kinds)
  .map(
    ([kind, spec]) =>
      `${kind}: ${Object.entries(spec.fields)
        .map(([n, f]) => fieldRule(n, f))
        .join(', ')}`,
  )
  .join('; ');

/** One version of one document, by its hash. */
@SchemaFromValidators()
export class DocumentSubmissionDto {
  @ApiProperty({
    example: 'bank-statement/2026-09',
    description: "the document's key, as the application's documents list it",
  })
  @IsString()
  @MaxLength(DOCUMENT_KEY_MAX_LENGTH)
  @Matches(DOCUMENT_KEY_PATTERN, { message: 'documentKey must be a document key: a slot name, or slot/YYYY-MM' })
  documentKey!: string;

  @ApiProperty({ description: 'SHA-256 of the document (64 lowercase hex), as its issuer anchored it' })
  @IsString()
  @Matches(SHA256_HEX_PATTERN, { message: 'documentHash must be 64 lowercase hex characters' })
  documentHash!: string;

  @ApiProperty({ description: 'address of the issuer that anchored the document; the consent must name it' })
  @IsString()
  @Matches(ADDRESS_PATTERN, { message: 'issuer must be a 0x-prefixed 20-byte address' })
  issuer!: string;

  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    description: `the decision fields of the document's kind (see docs/documents.md); the standard kinds': ${STANDARD_KIND_FIELDS}`,
    example: {
      month: '2026-09',
      averageBalance: { minorUnits: '5000000', currency: 'HKD' },
      totalInflows: { minorUnits: '12000000', currency: 'HKD' },
    },
  })
  @IsDefined()
  @IsObject({ message: '$property must be an object' })
  fields!: Record<string, unknown>;

  @ApiPropertyOptional({
    enum: REPORT_SCHEMES,
    description:
      'how the file became `documentHash` (sha256-raw-v1: its bytes; sha256-jcs-v1: its JSON canonicalised), recorded with the version for whoever checks the file later',
  })
  // Absent is fine; null is no scheme, and is refused rather than read as "not said".
  @ValidateIf((dto: DocumentSubmissionDto) => dto.scheme !== undefined)
  @IsIn(REPORT_SCHEMES)
  scheme?: (typeof REPORT_SCHEMES)[number];

  @ApiPropertyOptional({
    type: BatchProofDto,
    description: `when the issuer anchored the document in a Merkle batch (a proof of at most ${MAX_BATCH_PROOF_LENGTH} elements)`,
  })
  // Absent is fine; null is not an object, and is refused rather than read as "no batch".
  @ValidateIf((dto: DocumentSubmissionDto) => dto.batch !== undefined)
  @IsObject({ message: '$property must be an object' })
  @ValidateNested()
  @Type(() => BatchProofDto)
  batch?: BatchProofDto;
}

/** The multipart form's text fields beside the `document` file: the same rules, as strings. */
export class DocumentUploadFieldsDto {
  @IsIn(REPORT_SCHEMES)
  scheme!: (typeof REPORT_SCHEMES)[number];

  @IsString()
  @MaxLength(DOCUMENT_KEY_MAX_LENGTH)
  @Matches(DOCUMENT_KEY_PATTERN, { message: 'documentKey must be a document key: a slot name, or slot/YYYY-MM' })
  documentKey!: string;

  @IsString()
  @Matches(ADDRESS_PATTERN, { message: 'issuer must be a 0x-prefixed 20-byte address' })
  issuer!: string;

  @IsDefined()
  @IsObject({ message: '$property must be an object' })
  fields!: Record<string, unknown>;

  @ValidateIf((dto: DocumentUploadFieldsDto) => dto.batch !== undefined)
  @IsObject({ message: '$property must be an object' })
  @ValidateNested()
  @Type(() => BatchProofDto)
  batch?: BatchProofDto;
}

export const DOCUMENT_UPLOAD_FORM = multipartForm(
  DocumentUploadFieldsDto,
  {
    fields: { type: 'object', additionalProperties: true, description: "the decision fields of the document's kind" },
    batch: { $ref: getSchemaPath(BatchProofDto) },
  },
  {
    part: 'document',
    description:
      'the document file (not empty), hashed under `scheme` and never stored; with `scheme` first a raw file is hashed as it streams',
  },
);
