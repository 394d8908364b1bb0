import { type ArgumentsHost, Catch, type ExceptionFilter, HttpException, HttpStatus, Logger } from '@nestjs/common';
import {
  isGrpcServiceError,
  QueryNotRegisteredError,
  QueryRejectedError,
  ServiceError,
  WorkflowNotFoundError,
  WorkflowUpdateFailedError,
  WorkflowUpdateRPCTimeoutOrCancelledError,
} from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import type { Request, Response } from 'express';
import { PayloadCodecError } from '#codec';
import { REFUSAL_FAILURE_TYPES } from '#domain';
import { AuditHistoryDecodeError } from '../audit/audit-timeline.js';
import {
  PROBLEM_CONTENT_TYPE,
  ProblemException,
  problemType,
  temporalUnavailable,
  type ProblemDetails,
} from './problem.js';

const REFUSAL_STATUS: Record<string, { status: HttpStatus; slug: string; title: string }> = {
  [REFUSAL_FAILURE_TYPES.forbidden]: { status: HttpStatus.FORBIDDEN, slug: 'refused', title: 'Not allowed for you' },
  [REFUSAL_FAILURE_TYPES.conflict]: {
    status: HttpStatus.CONFLICT,
    slug: 'conflict',
    title: 'Not possible in the current state',
  },
  [REFUSAL_FAILURE_TYPES.invalid]: {
    status: HttpStatus.UNPROCESSABLE_ENTITY,
    slug: 'unprocessable',
    title: 'The application refuses this content',
  },
};

const NOT_FOUND_CODE = 5;

/** The gRPC status code of a Temporal service error, raw or wrapped in the SDK's ServiceError. */
function grpcCodeOf(exception: unknown): number | undefined {
  if (isGrpcServiceError(exception)) return exception.code;
  const cause = (exception as { cause?: unknown } | undefined)?.cause;
  return isGrpcServiceError(cause) ? cause.code : undefined;
}

const RESOURCE_EXHAUSTED_CODE = 8;

/** Seconds a client should wait before retrying a 429 or 503. */
export const RETRY_AFTER_SECONDS = 5;

/**
 * Renders every error as RFC 9457 problem+json. Known errors keep their status and say what is
 * wrong; anything unexpected is logged and answered with a bare 500 that reveals nothing.
 */
@Catch()
export class ProblemFilter implements ExceptionFilter {
  private readonly logger = new Logger('ProblemFilter');

  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const request = http.getRequest<Request>();
    const response = http.getResponse<Response>();
    const problem = this.toProblem(exception);
    problem.instance = request.originalUrl?.split('?')[0];
    const requestId = response.getHeader('x-request-id');
    if (typeof requestId === 'string') problem.requestId = requestId;
    if (problem.status >= 500 && problem.status !== 503) {
      this.logger.error(exception instanceof Error ? (exception.stack ?? exception.message) : String(exception));
    }
    if (response.headersSent) return;
    // Every "not now" says when to come back; nothing else this API answers is worth retrying as is.
    if ((problem.status === 503 || problem.status === 429) && !response.getHeader('Retry-After')) {
      response.setHeader('Retry-After', String(RETRY_AFTER_SECONDS));
    }
    response.status(problem.status).type(PROBLEM_CONTENT_TYPE).send(JSON.stringify(problem));
  }

  private toProblem(exception: unknown): ProblemDetails {
    // The update call ran out of time or was cancelled, whatever the cause underneath: retry later.
    if (exception instanceof WorkflowUpdateRPCTimeoutOrCancelledError) return unavailable();
    if (exception instanceof ProblemException) {
      return {
        type: problemType(exception.slug),
        title: exception.title,
        status: exception.getStatus(),
        ...(exception.detail ? { detail: exception.detail } : {}),
        ...(exception.errors ? { errors: exception.errors } : {}),
      };
    }
    if (exception instanceof WorkflowUpdateFailedError && exception.cause instanceof ApplicationFailure) {
      const refusal = REFUSAL_STATUS[exception.cause.type ?? ''];
      if (refusal) {
        return {
          type: problemType(refusal.slug),
          title: refusal.title,
          status: refusal.status,
          detail: exception.cause.message,
        };
      }
    }
    if (exception instanceof WorkflowUpdateFailedError) {
      // A refusal of another type (an update the workflow could not even decode): still a refusal.
      return {
        type: problemType('conflict'),
        title: 'Not possible in the current state',
        status: HttpStatus.CONFLICT,
        detail: exception.cause?.message ?? 'the application refused this action',
      };
    }
    if (exception instanceof WorkflowNotFoundError) {
      return {
        type: problemType('not-found'),
        title: 'No such application',
        status: HttpStatus.NOT_FOUND,
        detail: 'no application with this id for you',
      };
    }
    const grpcCode = grpcCodeOf(exception);
    // Calls made straight to the workflow service (history, describe) report a missing workflow so.
    if (grpcCode === NOT_FOUND_CODE) {
      return {
        type: problemType('not-found'),
        title: 'No such application',
        status: HttpStatus.NOT_FOUND,
        detail: 'no application with this id for you',
      };
    }
    // Temporal's limits (updates in flight per application, request rates): slow down and retry.
    if (grpcCode === RESOURCE_EXHAUSTED_CODE) {
      return {
        type: problemType('rate-limited'),
        title: 'Too many requests',
        status: HttpStatus.TOO_MANY_REQUESTS,
        detail: 'the workflow service is at a limit for this application; retry later with the same request',
      };
    }
    // Anything else Temporal answers (unreachable, a workflow task failing, a query it cannot
    // serve now) is a dependency not answering, never the caller's fault: 503, retry later.
    if (
      grpcCode !== undefined ||
      exception instanceof ServiceError ||
      exception instanceof QueryRejectedError ||
      exception instanceof QueryNotRegisteredError
    ) {
      return unavailable();
    }
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      return {
        type: problemType(slugOf(status)),
        title: titleOf(status),
        status,
        ...detailOf(exception.getResponse()),
      };
    }
    // Data this API cannot decrypt: written without lendbridge's keys, or under a key since removed
    // from its configuration. An operator's matter (restore the key), never the caller's.
    if (exception instanceof PayloadCodecError || exception instanceof AuditHistoryDecodeError) {
      return {
        type: problemType('unavailable'),
        title: 'Temporarily unavailable',
        status: HttpStatus.SERVICE_UNAVAILABLE,
        detail: "the application's data cannot be decrypted with this deployment's keys; an operator must check them",
      };
    }
    const bodyParser = bodyParserProblem(exception);
    if (bodyParser) return bodyParser;
    return { type: problemType('internal'), title: 'Internal error', status: HttpStatus.INTERNAL_SERVER_ERROR };
  }
}

function unavailable(): ProblemDetails {
  const problem = temporalUnavailable();
  return { type: problemType(problem.slug), title: problem.title, status: problem.getStatus(), detail: problem.detail };
}

/** Errors the JSON and urlencoded body parsers raise carry an HTTP status and a `type`. */
function bodyParserProblem(exception: unknown): ProblemDetails | undefined {
  if (typeof exception !== 'object' || exception === null) return undefined;
  const { status, type } = exception as { status?: unknown; type?: unknown };
  if (typeof status !== 'number' || status < 400 || status >= 500 || typeof type !== 'string') return undefined;
  const details: Record<string, string> = {
    'entity.parse.failed': 'the body is not valid JSON',
    'entity.too.large': 'the body is larger than this API accepts',
    'encoding.unsupported': 'unsupported content encoding',
    'charset.unsupported': 'unsupported charset: send UTF-8',
    'entity.verify.failed': 'the body was refused',
  };
  return {
    type: problemType(slugOf(status)),
    title: titleOf(status),
    status,
    detail: details[type] ?? 'the body could not be read',
  };
}

function detailOf(body: string | object): { detail?: string } {
  if (typeof body === 'string') return { detail: body };
  const message = (body as { message?: unknown }).message;
  if (typeof message === 'string') return { detail: message };
  if (Array.isArray(message)) return { detail: message.map(String).join('; ') };
  return {};
}

const TITLES: Record<number, [string, string]> = {
  400: ['invalid-request', 'The request is invalid'],
  401: ['unauthenticated', 'Authentication required'],
  403: ['forbidden', 'Not allowed for you'],
  404: ['not-found', 'Not found'],
  405: ['method-not-allowed', 'Method not allowed'],
  406: ['not-acceptable', 'Not acceptable'],
  409: ['conflict', 'Conflict'],
  413: ['too-large', 'The body is too large'],
  415: ['unsupported-media-type', 'Unsupported media type'],
  422: ['unprocessable', 'Unprocessable content'],
  429: ['rate-limited', 'Too many requests'],
  503: ['unavailable', 'Temporarily unavailable'],
};

function slugOf(status: number): string {
  return TITLES[status]?.[0] ?? (status >= 500 ? 'internal' : 'invalid-request');
}

function titleOf(status: number): string {
  return TITLES[status]?.[1] ?? (status >= 500 ? 'Internal error' : 'The request is invalid');
}
