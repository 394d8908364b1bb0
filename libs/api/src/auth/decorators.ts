import { createParamDecorator, SetMetadata, type ExecutionContext } from '@nestjs/common';
import type { Request } from 'express';
import { type Principal, type Role } from './principal.js';

/** Metadata key: the route (or controller) is served without a token. */
export const IS_PUBLIC_KEY = 'lendbridge:auth:public';
/** Metadata key: the roles of which the caller must hold at least one. */
export const REQUIRED_ROLES_KEY = 'lendbridge:auth:roles';

/** A request the guard has let through; `principal` is absent only on public routes. */
export type AuthenticatedRequest = Request & { principal?: Principal };

/** Serves the route, or every route of the controller, without authentication. */
export function Public(): MethodDecorator & ClassDecorator {
  return SetMetadata(IS_PUBLIC_KEY, true);
}

/**
 * Admits only callers holding at least one of `roles`. On a method it replaces, not adds to, the
 * controller's own requirement, so a route can be narrower or wider than its controller.
 */
export function RequireRoles(...roles: Role[]): MethodDecorator & ClassDecorator {
  // With any-of semantics an empty list would lock the route for everyone, silently.
  if (roles.length === 0) throw new Error('RequireRoles needs at least one role');
  return SetMetadata(REQUIRED_ROLES_KEY, roles);
}

const principalParameter = createParamDecorator((_data: unknown, context: ExecutionContext): Principal => {
  const principal = context.switchToHttp().getRequest<AuthenticatedRequest>().principal;
  // Only a @Public() route reaches a handler without one: asking for it there is a coding mistake.
  if (!principal) throw new Error('CurrentPrincipal used on a route that is not authenticated');
  return principal;
});

/** Injects the authenticated caller's {@link Principal} into a handler parameter. */
export function CurrentPrincipal(): ParameterDecorator {
  return principalParameter();
}

/** Metadata key: the route also accepts the token from the session cookie (see SESSION_COOKIE). */
export const ACCEPTS_SESSION_COOKIE_KEY = 'lendbridge:auth:session-cookie';

/**
 * The cookie a browser holds a token in, for callers that cannot send an Authorization header:
 * the Temporal UI calls the codec endpoint with cookies ("include cross-origin credentials") only.
 */
export const SESSION_COOKIE = 'lendbridge_session';

/** Lets the route authenticate with the session cookie when no Authorization header is sent. */
export function AcceptsSessionCookie(): MethodDecorator & ClassDecorator {
  return SetMetadata(ACCEPTS_SESSION_COOKIE_KEY, true);
}
