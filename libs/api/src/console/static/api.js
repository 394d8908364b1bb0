// The API: every call carries the reviewer's token to this origin's review-task endpoints, and a
// refusal (application/problem+json) becomes an ApiError in the API's own words.

import { h } from './dom.js';
import { signOut } from './router.js';
import { currentSession } from './session.js';

const API_BASE = document.querySelector('meta[name="lendbridge-api-base"]')?.getAttribute('content') ?? '/v1';

class ApiError extends Error {
  constructor(status, problem) {
    super(problemMessage(status, problem));
    this.status = status;
    this.problem = problem;
  }
}

function problemMessage(status, problem) {
  if (status === 0) return 'The API could not be reached: check the connection and try again.';
  const detail = problem?.detail ?? problem?.title ?? `the API answered ${status}`;
  if (status === 503) return `The service is unavailable right now (${detail}). Try again in a moment.`;
  return detail;
}

/** Calls the API with the session's token; without a session, signs out. */
export async function api(path, { method = 'GET', body } = {}) {
  const session = currentSession();
  if (!session) {
    signOut('Your session has ended: sign in again.');
    throw new ApiError(401, { detail: 'signed out' });
  }
  return request(path, session.token, { method, body });
}

/** Calls the API with the given token (sign-in checks a token with this before keeping it). */
export async function request(path, token, { method = 'GET', body } = {}) {
  let response;
  try {
    response = await fetch(`${API_BASE}${path}`, {
      method,
      headers: {
        Authorization: `Bearer ${token}`,
        Accept: 'application/json, application/problem+json',
        ...(body !== undefined ? { 'Content-Type': 'application/json' } : {}),
      },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
      cache: 'no-store',
      credentials: 'omit',
    });
  } catch {
    throw new ApiError(0, undefined);
  }
  const text = await response.text();
  let data;
  try {
    data = text ? JSON.parse(text) : undefined;
  } catch {
    data = undefined;
  }
  if (!response.ok) throw new ApiError(response.status, data);
  return data;
}

export function taskPath(tenant, applicationId) {
  return `/review-tasks/${encodeURIComponent(tenant)}/${encodeURIComponent(applicationId)}`;
}

/** A 401 after sign-in means the token stopped being good: back to the sign-in page. */
export function endSessionIfRefused(error) {
  if (error instanceof ApiError && error.status === 401) {
    signOut(`The API refused your token (${error.message}): sign in again.`);
    return true;
  }
  return false;
}

/** A refusal as the reviewer reads it: the API's own words, and any field at fault. */
export function errorMessage(error, lead = 'Refused') {
  const problem = error instanceof ApiError ? error.problem : undefined;
  const status = error instanceof ApiError && error.status ? ` (${error.status})` : '';
  const fields = Array.isArray(problem?.errors) ? problem.errors : [];
  return h(
    'div',
    { class: 'message message-error', role: 'alert', tabindex: '-1' },
    h('p', {}, h('strong', {}, `${lead}${status}: `), error instanceof Error ? error.message : String(error)),
    fields.length > 0
      ? h(
          'ul',
          {},
          fields.map((f) => h('li', {}, `${f.field}: ${f.message}`)),
        )
      : null,
  );
}
