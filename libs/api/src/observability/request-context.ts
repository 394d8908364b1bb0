import { type IncomingMessage } from 'node:http';

/** Extra fields for a request's log line, set by handlers once they know them. */
export interface RequestLogAnnotations {
  /** The Temporal workflow the request started, updated or queried. */
  workflowId?: string;
}

// Kept beside the request rather than on it, so no property is added to Express's object and an
// annotation disappears with the request.
const annotations = new WeakMap<IncomingMessage, RequestLogAnnotations>();

/**
 * Adds fields to the line logged when the request completes (merged with earlier calls). Controllers
 * call it with the workflow id so an operator can go from a log line straight to the Temporal UI.
 */
export function annotateRequest(req: IncomingMessage, fields: RequestLogAnnotations): void {
  annotations.set(req, { ...annotations.get(req), ...fields });
}

/** The fields {@link annotateRequest} has set on this request so far. */
export function requestAnnotations(req: IncomingMessage): RequestLogAnnotations {
  return annotations.get(req) ?? {};
}

/** Label for requests no route matched (404s, CORS preflights answered by middleware). */
export const UNMATCHED_ROUTE = 'unmatched';

// Express adds these to the request; typed loosely here because `req.route` is `any` upstream.
type RoutedRequest = IncomingMessage & {
  route?: { path?: unknown; methods?: Record<string, unknown> };
  baseUrl?: unknown;
  originalUrl?: unknown;
};

/**
 * The route template that served the request (`/v1/applications/:applicationId`), or
 * {@link UNMATCHED_ROUTE}. Never the raw URL: ids in a path would make metric labels unbounded and
 * put applicants' identifiers into every dashboard. Call it once the response has a status.
 */
export function routeTemplate(req: IncomingMessage, status: number): string {
  const { route, baseUrl } = req as RoutedRequest;
  const path = route?.path;
  if (typeof path !== 'string') return UNMATCHED_ROUTE;
  // Nest answers unknown paths from catch-all routes of its own (`*path` under the global prefix,
  // and every method on each prefix-excluded path, for the methods that path lacks); their
  // templates would label a 404 as a real route. Controller routes each serve one method, so a
  // route serving several that answered 404 is the not-found handler. (An `@All()` controller
  // route that answers 404 would count as unmatched too; the API declares none.)
  if (status === 404 && isCatchAll(route?.methods)) return UNMATCHED_ROUTE;
  return `${typeof baseUrl === 'string' ? baseUrl : ''}${path}` || '/';
}

// Express marks `Router#all` routes with `_all`; `app.all` instead registers every method.
function isCatchAll(methods: Record<string, unknown> | undefined): boolean {
  return methods !== undefined && (methods._all === true || Object.keys(methods).length > 1);
}

/**
 * The request's path without its query string: queries may carry search filters such as names or
 * national ids, which must not reach the logs.
 */
export function requestPath(req: IncomingMessage): string {
  const { originalUrl } = req as RoutedRequest;
  // Express rewrites `url` relative to a middleware's mount point; `originalUrl` is the full path.
  const url = typeof originalUrl === 'string' ? originalUrl : (req.url ?? '');
  const end = url.search(/[?#]/);
  return end === -1 ? url : url.slice(0, end);
}
