import { type CanActivate, type ExecutionContext, HttpStatus, Inject, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request } from 'express';
import { ACCEPTS_FILE_UPLOAD } from '../openapi/file-upload.decorator.js';
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
  constructor(@Inject(Reflector) private readonly reflector: Reflector) {}

  canActivate(context: ExecutionContext): boolean {
    const request = context.switchToHttp().getRequest<Request>();
    refuseReservedKeys(request.query, 'query');
    if (hasBody(request)) {
      // Only the actions that say so (@AcceptsFileUpload) take a form, whatever their path looks like.
      const multipartAllowed =
        this.reflector.get<boolean | undefined>(ACCEPTS_FILE_UPLOAD, context.getHandler()) === true;
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
