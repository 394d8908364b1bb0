/**
 * The typed client of lendbridge's HTTP API for loan systems and reviewers: openapi-fetch over the
 * types generated from the API's own OpenAPI document (api-types.ts), so a call the API does not
 * offer, a misspelt field or a missing path parameter fails to compile. It needs only `fetch`: no
 * Nest, no Node-only API, so it runs in a browser, a worker or any server runtime.
 */
import createClient, { type Client, type Middleware } from 'openapi-fetch';
import { type paths } from './api-types.js';
import { LendbridgeError, problemOf } from './problem.js';

export interface LendbridgeClientOptions {
  /** Where the API is served, without `/v1` (the operations' paths carry it): `https://lendbridge.bank.example`. */
  baseUrl: string;
  /** The bearer token (a JWT from the bank's identity provider) sent with every call... */
  token?: string;
  /** ...or where to get it, asked before each call: for tokens that expire and are renewed. */
  getToken?: () => string | Promise<string>;
  /** Another `fetch` (with a timeout, a proxy agent, a test double); the global one by default. */
  fetch?: (request: Request) => Promise<Response>;
}

/** The API's operations by path and method: `client.GET('/v1/applications/{applicationId}', ...)`. */
export type LendbridgeClient = Client<paths>;

export function createLendbridgeClient(options: LendbridgeClientOptions): LendbridgeClient {
  if (options.token !== undefined && options.getToken !== undefined) {
    throw new TypeError('createLendbridgeClient: give token or getToken, not both');
  }
  const client = createClient<paths>({
    baseUrl: checkedBaseUrl(options.baseUrl),
    // Read at each call, so a fetch replaced after the client was made (a test's) is the one used.
    // The API never redirects: following one would send the body (an applicant's data, a decision)
    // to wherever the redirect points and return that place's answer as the API's.
    fetch: (request: Request) => (options.fetch ?? globalThis.fetch)(new Request(request, { redirect: 'error' })),
  });
  client.use(refuseDotSegments);
  const getToken = options.getToken ?? (options.token === undefined ? undefined : () => options.token!);
  if (getToken) client.use(bearer(getToken));
  client.use(rememberRequests);
  return client;
}

/** An http(s) origin with an optional path: no credentials, query or fragment to join paths onto. */
function checkedBaseUrl(baseUrl: string): string {
  let url: URL;
  try {
    url = new URL(baseUrl);
  } catch {
    throw new TypeError('createLendbridgeClient: baseUrl must be an absolute http(s) URL');
  }
  if (!['http:', 'https:'].includes(url.protocol) || url.username || url.password || url.search || url.hash) {
    throw new TypeError('createLendbridgeClient: baseUrl must be http(s), without credentials, query or fragment');
  }
  return `${url.origin}${url.pathname.replace(/\/+$/, '')}`;
}

/**
 * A path value of `.` or `..` is sent as is (it needs no escaping) and the URL then resolves to
 * another operation: `applications/../withdrawal`. No id of the API's has that shape; refuse it.
 */
const refuseDotSegments: Middleware = {
  onRequest({ params }) {
    for (const [name, value] of Object.entries(params.path ?? {})) {
      if (value === '.' || value === '..' || value === '') {
        throw new TypeError(`lendbridge client: path parameter ${name} may not be empty, "." or ".."`);
      }
    }
    return undefined;
  },
};

/** Each answer's request, so that an error can say which call was refused. */
const requestOf = new WeakMap<Response, Request>();

const rememberRequests: Middleware = {
  onResponse({ request, response }) {
    requestOf.set(response, request);
    return response;
  },
};

function bearer(getToken: () => string | Promise<string>): Middleware {
  return {
    async onRequest({ request }) {
      // A token given for one call (another party's) wins over the client's.
      if (!request.headers.has('Authorization')) request.headers.set('Authorization', `Bearer ${await getToken()}`);
      return request;
    },
  };
}

/**
 * What a successful call answers. An answer the document does not describe is `unknown` (not
 * `undefined`: the API did send a body, the document just does not say what is in it).
 */
export type AnswerOf<T extends { data?: unknown }> = [Exclude<T['data'], undefined>] extends [never]
  ? unknown
  : Exclude<T['data'], undefined>;

/**
 * An operation's answer when it succeeded; otherwise throws a {@link LendbridgeError} carrying the
 * API's problem document: `const page = await unwrap(client.GET('/v1/review-tasks'))`.
 */
export async function unwrap<T extends { response: Response; data?: unknown; error?: unknown }>(
  call: Promise<T>,
): Promise<AnswerOf<T>> {
  const { response, data, error } = await call;
  if (!response.ok) {
    const request = requestOf.get(response);
    const call = request ? `${request.method} ${request.url}` : response.url;
    throw new LendbridgeError(problemOf(response.status, response.statusText, error), call);
  }
  return data as AnswerOf<T>;
}
