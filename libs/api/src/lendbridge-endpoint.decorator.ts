import { applyDecorators, UseFilters, UseGuards, UsePipes, ValidationPipe } from '@nestjs/common';
import { AuthGuard } from './auth/auth.guard.js';
import { ProblemFilter } from './problem/problem.filter.js';
import { invalidRequest } from './problem/problem.js';
import { RequestShapeGuard } from './problem/request-shape.guard.js';
import { fieldProblems } from './problem/validation-problems.js';
import { RateLimitGuard } from './rate-limit/rate-limit.guard.js';

/** Whitelist, no unknown properties, DTO classes built from the body: what the API expects of every request. */
export function lendbridgeValidationPipe(): ValidationPipe {
  return new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    forbidUnknownValues: true,
    transform: true,
    validationError: { target: false, value: false },
    exceptionFactory: (errors) => invalidRequest(fieldProblems(errors)),
  });
}

/**
 * What every lendbridge controller carries: authentication, then the rate limit (per principal, so
 * it needs to know who asks), the body's shape, validation and problem+json errors. Scoped to
 * lendbridge's controllers, not installed app-wide, so a host application that imports the plugin
 * keeps its own routes as they were.
 */
export function LendbridgeEndpoint(): ClassDecorator {
  return applyDecorators(
    UseGuards(AuthGuard, RateLimitGuard, RequestShapeGuard),
    UsePipes(lendbridgeValidationPipe()),
    UseFilters(ProblemFilter),
  );
}
