/**
 * The problem+json answers of each operation, declared beside its handler: which statuses it can
 * answer, each with the one problem schema (libs/api/src/problem) and its content type.
 */
import { applyDecorators } from '@nestjs/common';
import { ApiExtraModels, ApiProperty, ApiPropertyOptional, ApiResponse, getSchemaPath } from '@nestjs/swagger';
import { PROBLEM_CONTENT_TYPE } from '../problem/problem.js';

export class FieldProblemDto {
  @ApiProperty({ example: 'requestedLimit.amount', description: 'the field at fault, by its path in the request' })
  field!: string;

  @ApiProperty({ example: 'amount must be a positive decimal string with at most 2 decimals' })
  message!: string;
}

/** RFC 9457 problem details: every error this API answers. */
export class ProblemDto {
  @ApiProperty({ example: 'urn:lendbridge:problem:invalid-request', description: 'stable per kind of problem' })
  type!: string;

  @ApiProperty({ example: 'The request is invalid' })
  title!: string;

  @ApiProperty({ example: 400, minimum: 400, maximum: 599 })
  status!: number;

  @ApiPropertyOptional({ example: 'requestedLimit.amount: amount must be a positive decimal string' })
  detail?: string;

  @ApiPropertyOptional({ example: '/v1/applications', description: 'the request path' })
  instance?: string;

  @ApiPropertyOptional({
    type: [FieldProblemDto],
    description: 'one entry per field and rule; values are never repeated',
  })
  errors?: FieldProblemDto[];

  @ApiPropertyOptional({ description: 'the X-Request-Id of the request, for support' })
  requestId?: string;
}

const RETRY_AFTER = {
  'Retry-After': { description: 'seconds to wait before retrying', schema: { type: 'integer', minimum: 0 } },
};

const DESCRIPTIONS: Record<number, string> = {
  400: 'the request is malformed: a parameter or body field breaks a rule (each one named in `errors`)',
  401: 'no bearer token, or one that is expired, not signed for this API or otherwise invalid',
  403: "the token's roles, tenant or jurisdictions do not allow this",
  404: "no such resource for this caller (another tenant's ids do not exist for you)",
  405: 'the path exists, the method does not (see the Allow header)',
  409: 'not possible in the current state (the application moved on, or an Idempotency-Key was reused)',
  413: 'the body (or the uploaded report) is larger than this API accepts',
  415: 'a body of a media type this operation does not read',
  422: 'well formed, but the application refuses this content',
  429: 'too many requests: wait Retry-After seconds',
  503: 'Temporal (or the ledger) is not answering: retry the same request after Retry-After seconds',
};

/**
 * Statuses every operation behind a bearer token can answer: a query or path parameter breaking
 * its rule, the token, the rate limit.
 */
export const AUTHENTICATED = [400, 401, 403, 429] as const;
/** A body this API reads: its shape (400), its size (413), its media type (415). */
export const WITH_BODY = [400, 413, 415] as const;
/** Operations answered by the application's workflow: it may be missing, busy or refuse. */
export const WORKFLOW_ACTION = [404, 409, 422, 503] as const;

/** Documents each status as a problem+json answer. */
export function ApiProblems(...statuses: readonly number[]): MethodDecorator & ClassDecorator {
  return applyDecorators(
    ApiExtraModels(ProblemDto, FieldProblemDto),
    ...[...new Set(statuses)].map((status) =>
      ApiResponse({
        status,
        description: DESCRIPTIONS[status] ?? 'an error',
        content: { [PROBLEM_CONTENT_TYPE]: { schema: { $ref: getSchemaPath(ProblemDto) } } },
        ...((status === 429 || status === 503) && { headers: RETRY_AFTER }),
      }),
    ),
  );
}
