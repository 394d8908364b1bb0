import { type CanActivate, type ExecutionContext, HttpStatus, Injectable } from '@nestjs/common';
import type { Request } from 'express';
import { ProblemException } from './problem.js';
import { refuseReservedKeys } from './reserved-keys.js';

/**
 * Checks what the body parsers let through before any handler sees it: a body of a type this API
 * does not read is refused (415) rather than silently ignored, and JSON bodies may not carry
 * prototype-polluting keys or nest deeper than any DTO does. A guard placed after authentication,
 * so an anonymous caller learns nothing about the rules a body must follow.
 */
@Injectable()
export class RequestShapeGuard implements CanActivate {
  canActivate(context: ExecutionContext): boolean {
    const request = context.switchToHttp().getRequest<Request>();
    refuseReservedKeys(request.query, 'query');
    if (hasBody(request)) {
      const multipartAllowed = /\/(credit-report|documents)\/?$/.test(request.path);
      if (!request.is('application/json') && !(multipartAllowed && request.is('multipart/form-data'))) {
        throw new ProblemException(
          HttpStatus.UNSUPPORTED_MEDIA_TYPE,
          'unsupported-media-type',
          'Unsupported media type',
          multipartAllowed ? 'send application/json or multipart/form-data' : 'send application/json',
        );
      }
      if (request.is('application/json')) refuseReservedKeys(request.body, 'body');
    }
    return true;
  }
}

function hasBody(request: Request): boolean {
  const length = request.headers['content-length'];
  return request.headers['transfer-encoding'] !== undefined || (length !== undefined && length !== '0');
}
