/**
 * How the API refuses: an RFC 9457 problem document (application/problem+json), the same shape for
 * every error, whatever raised it. A loan system branches on `type` (a stable URN such as
 * `urn:lendbridge:problem:conflict`) and shows `detail`; `errors` names the fields at fault.
 */
export interface Problem {
  type: string;
  title: string;
  status: number;
  detail?: string;
  /** The request path the problem occurred on. */
  instance?: string;
  errors?: { field: string; message: string }[];
  /** The request's id, as in the X-Request-Id header: quote it to lendbridge's operators. */
  requestId?: string;
}

/** A refusal by the API, thrown by {@link unwrap}: the problem as the API sent it, and the call. */
export class LendbridgeError extends Error {
  constructor(
    readonly problem: Problem,
    /** The call refused: method and URL. */
    readonly call: string,
  ) {
    super(`${call} answered ${problem.status}: ${describe(problem)}`);
    this.name = 'LendbridgeError';
  }

  get status(): number {
    return this.problem.status;
  }

  get type(): string {
    return this.problem.type;
  }
}

/**
 * The problem in an error answer. An answer that is not one (a proxy's HTML page, an empty body)
 * becomes a problem of type `about:blank` with the status and the start of the text as detail.
 */
export function problemOf(status: number, statusText: string, body: unknown): Problem {
  if (isProblem(body)) return body;
  const text = typeof body === 'string' ? body : body === undefined ? '' : JSON.stringify(body);
  return {
    type: 'about:blank',
    title: statusText || `HTTP ${status}`,
    status,
    ...(text && { detail: text.slice(0, 300) }),
  };
}

function isProblem(body: unknown): body is Problem {
  if (typeof body !== 'object' || body === null) return false;
  const { type, title, status } = body as Record<string, unknown>;
  return typeof type === 'string' && typeof title === 'string' && typeof status === 'number';
}

function describe(problem: Problem): string {
  const fields = (problem.errors ?? []).map((e) => `${e.field}: ${e.message}`).join('; ');
  const detail = problem.detail ?? problem.title;
  return fields && !detail.includes(fields) ? `${detail} - ${fields}` : detail;
}
