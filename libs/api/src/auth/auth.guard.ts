import {
  ForbiddenException,
  Inject,
  Injectable,
  UnauthorizedException,
  type CanActivate,
  type ExecutionContext,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Response } from 'express';
import {
  ACCEPTS_SESSION_COOKIE_KEY,
  IS_PUBLIC_KEY,
  REQUIRED_ROLES_KEY,
  SESSION_COOKIE,
  type AuthenticatedRequest,
} from './decorators.js';
import { hasRole, type Role } from './principal.js';
import { TokenVerifier } from './token-verifier.js';

const REALM = 'lendbridge';

/**
 * Registered for every route: a route is open only when marked `@Public()`. Otherwise the caller
 * needs a valid bearer token and, when the route says `@RequireRoles(...)`, one of those roles.
 * Challenges follow RFC 6750: no error code when no credentials were sent, `invalid_request` for
 * a malformed header, `invalid_token` for a token that failed verification.
 */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    @Inject(Reflector) private readonly reflector: Reflector,
    @Inject(TokenVerifier) private readonly verifier: TokenVerifier,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean | undefined>(IS_PUBLIC_KEY, targets)) return true;
    // Only HTTP is served; anything else would have no header to read, so it is never let through.
    if (context.getType() !== 'http') return false;

    const http = context.switchToHttp();
    const request = http.getRequest<AuthenticatedRequest>();
    const response = http.getResponse<Response>();
    const challenge = (error?: string): void => {
      response.setHeader('WWW-Authenticate', `Bearer realm="${REALM}"${error ? `, error="${error}"` : ''}`);
    };

    let header = request.headers.authorization;
    if ((header === undefined || header.trim() === '') && this.acceptsCookie(targets)) {
      const token = sessionCookie(request.headers.cookie);
      if (token) header = `Bearer ${token}`;
    }
    if (header === undefined || header.trim() === '') {
      challenge();
      throw new UnauthorizedException('a bearer token is required (Authorization: Bearer <token>)');
    }
    const match = /^Bearer +(\S+) *$/i.exec(header);
    if (!match?.[1]) {
      challenge('invalid_request');
      throw new UnauthorizedException('the Authorization header must be "Bearer <token>"');
    }
    try {
      request.principal = await this.verifier.verify(match[1]);
    } catch (error) {
      if (error instanceof UnauthorizedException) challenge('invalid_token');
      throw error;
    }

    const required = this.reflector.getAllAndOverride<Role[] | undefined>(REQUIRED_ROLES_KEY, targets);
    if (required && !hasRole(request.principal, ...required)) {
      challenge('insufficient_scope');
      throw new ForbiddenException(`this needs one of the roles: ${required.join(', ')}`);
    }
    return true;
  }

  private acceptsCookie(targets: Parameters<Reflector['getAllAndOverride']>[1]): boolean {
    return this.reflector.getAllAndOverride<boolean | undefined>(ACCEPTS_SESSION_COOKIE_KEY, targets) === true;
  }
}

/** The session cookie's value from a Cookie header, if it is there and looks like a JWT. */
function sessionCookie(header: string | undefined): string | undefined {
  for (const pair of (header ?? '').split(';')) {
    const [name, value] = pair.trim().split('=', 2);
    if (name === SESSION_COOKIE && value && /^[A-Za-z0-9_.-]+$/.test(value)) return value;
  }
  return undefined;
}
