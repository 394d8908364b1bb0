import { type CanActivate, type ExecutionContext, HttpStatus, Injectable } from '@nestjs/common';
import type { Request } from 'express';
import { invalidRequest, ProblemException } from './problem.js';

/** Keys that reach object internals when a body is copied into class instances: never data. */
const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);
const MAX_DEPTH = 16;

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
    if (hasBody(request)) {
      const multipartAllowed = /\/credit-report\/?$/.test(request.path);
      if (!request.is('application/json') && !(multipartAllowed && request.is('multipart/form-data'))) {
        throw new ProblemException(
          HttpStatus.UNSUPPORTED_MEDIA_TYPE,
          'unsupported-media-type',
          'Unsupported media type',
          multipartAllowed ? 'send application/json or multipart/form-data' : 'send application/json',
        );
      }
      if (request.is('application/json')) checkKeys(request.body, 'body', 0);
    }
    return true;
  }
}

function hasBody(request: Request): boolean {
  const length = request.headers['content-length'];
  return request.headers['transfer-encoding'] !== undefined || (length !== undefined && length !== '0');
}

function checkKeys(value: unknown, path: string, depth: number): void {
  if (typeof value !== 'object' || value === null) return;
  if (depth > MAX_DEPTH) throw invalidRequest([{ field: path, message: `nests deeper than ${MAX_DEPTH} levels` }]);
  for (const key of Object.keys(value)) {
    const field = `${path}.${key}`;
    if (FORBIDDEN_KEYS.has(key)) throw invalidRequest([{ field, message: 'this key is not allowed' }]);
    checkKeys((value as Record<string, unknown>)[key], field, depth + 1);
  }
}
