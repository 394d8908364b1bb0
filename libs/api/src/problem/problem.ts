/**
 * The API's one error model: RFC 9457 problem details. Every error response, whatever raised it
 * (validation, auth, a workflow's refusal, a body the parser rejects), leaves as one of these.
 */
import { HttpException, HttpStatus } from '@nestjs/common';

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

/** One field at fault, named by its path in the request (`requestedLimit.amount`, `query.stage`). */
export interface FieldProblem {
  field: string;
  message: string;
}

export interface ProblemDetails {
  /** A stable URN per kind of problem, for clients to branch on (no external documentation link). */
  type: string;
  title: string;
  status: number;
  detail?: string;
  /** The request path (without query string) the problem occurred on. */
  instance?: string;
  errors?: FieldProblem[];
  requestId?: string;
}

export const problemType = (slug: string): string => `urn:lendbridge:problem:${slug}`;

/** An error the API raises on purpose; the exception filter renders it as it is. */
export class ProblemException extends HttpException {
  constructor(
    status: HttpStatus,
    readonly slug: string,
    readonly title: string,
    readonly detail?: string,
    readonly errors?: FieldProblem[],
  ) {
    super(detail ?? title, status);
  }
}

export const invalidRequest = (errors: FieldProblem[]): ProblemException =>
  new ProblemException(
    HttpStatus.BAD_REQUEST,
    'invalid-request',
    'The request is invalid',
    errors.map((e) => `${e.field}: ${e.message}`).join('; '),
    errors,
  );

/**
 * Well formed, as the document describes it, and still refused: a page token or cursor this API
 * did not issue, a report whose bytes its scheme cannot read, an application this deployment does
 * not take. 400 is kept for breaking a stated rule. `title` says what could not be done.
 */
export const unprocessableRequest = (errors: FieldProblem[], title = 'Unprocessable content'): ProblemException =>
  new ProblemException(
    HttpStatus.UNPROCESSABLE_ENTITY,
    'unprocessable',
    title,
    errors.map((e) => `${e.field}: ${e.message}`).join('; '),
    errors,
  );

export const applicationNotFound = (): ProblemException =>
  // One answer for "does not exist" and "is not yours", so ids of other tenants cannot be probed.
  new ProblemException(HttpStatus.NOT_FOUND, 'not-found', 'No such application', 'no application with this id for you');

/**
 * Temporal (or a worker behind it) did not answer in time. The request may be retried as it is:
 * every create and update is idempotent or refused the second time.
 */
export const temporalUnavailable = (): ProblemException =>
  new ProblemException(
    HttpStatus.SERVICE_UNAVAILABLE,
    'unavailable',
    'Temporarily unavailable',
    'the workflow service is not reachable; retry later with the same request',
  );
