// The lendbridge reviewer console: one ES module, no framework, no build step.
//
// The page holds no data of its own. The reviewer's token is kept in sessionStorage (this tab
// only, gone when it closes) and sent, as a bearer token, only to this origin's review-task
// endpoints. Everything shown is built with DOM calls and text nodes, never parsed as HTML.

const API_BASE = document.querySelector('meta[name="lendbridge-api-base"]')?.getAttribute('content') ?? '/v1';
const TOKEN_KEY = 'lendbridge.console.token';
const REVIEWER_ROLES = ['reviewer', 'senior-reviewer'];
const CURRENCIES = ['HKD', 'CNY', 'USD', 'MOP'];
const AMOUNT = /^(0|[1-9]\d{0,12})(\.\d{1,2})?$/;
const REASON_CODE = /^[a-z0-9][a-z0-9-]{0,39}$/;
const MAX_REASON_CODES = 10;
const MAX_NOTES = 2000;
/** Task details fetched at once for the inbox's approval counts. */
const DETAIL_CONCURRENCY = 6;

/** The reasons a reviewer picks most; any other code may be typed in. */
const REASONS = [
  ['insufficient-income', 'Insufficient income'],
  ['high-debt-burden', 'High debt burden'],
  ['adverse-credit-history', 'Adverse credit history'],
  ['report-inconsistent', 'Report inconsistent with the application'],
  ['identity-unconfirmed', 'Identity not confirmed'],
  ['outside-risk-appetite', 'Outside risk appetite'],
];

const VERDICTS = {
  VERIFIED: 'The report’s hash is anchored on the ledger by a trusted issuer, not revoked and not expired.',
  NOT_ANCHORED: 'No issuer anchored this report’s hash: it cannot be shown to be authentic.',
  REVOKED: 'The issuer revoked this report.',
  EXPIRED: 'The report has expired, or is older than the policy accepts.',
  UNTRUSTED_ISSUER: 'The issuer that anchored the report is not trusted for this application.',
};

const OUTCOMES = {
  approve: { label: 'Approve', confirm: 'Confirm approval', done: 'Your approval is recorded.' },
  decline: { label: 'Decline', confirm: 'Confirm decline', done: 'Your decline is recorded.' },
  'request-new-report': {
    label: 'Request a new report',
    confirm: 'Confirm request',
    done: 'Your request for a new report is recorded.',
  },
};

// ---------------------------------------------------------------------------------------------
// DOM

/** Builds an element: attributes (on* are listeners), then children (strings become text). */
function h(tag, attributes = {}, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === undefined || value === null || value === false) continue;
    if (name.startsWith('on') && typeof value === 'function') element.addEventListener(name.slice(2), value);
    else element.setAttribute(name, value === true ? '' : String(value));
  }
  append(element, children);
  return element;
}

function append(parent, children) {
  for (const child of children.flat(Infinity)) {
    if (child === undefined || child === null || child === false) continue;
    parent.append(child instanceof Node ? child : String(child));
  }
  return parent;
}

let ids = 0;
const uid = (prefix) => `${prefix}-${++ids}`;

const main = () => document.getElementById('main');

/** Replaces the main content and moves focus to its heading, as a page load would. */
function show(...children) {
  const container = main();
  container.replaceChildren();
  append(container, children);
  const heading = container.querySelector('h1');
  if (heading) {
    heading.setAttribute('tabindex', '-1');
    heading.focus();
  }
}

/** A term-description list; rows whose description is empty are left out. */
function details(rows, className = 'details') {
  return h(
    'dl',
    { class: className },
    rows
      .filter(([, value]) => value !== undefined && value !== null && value !== '')
      .map(([term, value]) => h('div', {}, h('dt', {}, term), h('dd', {}, value))),
  );
}

const code = (text) => h('code', { class: 'hex' }, text);

// ---------------------------------------------------------------------------------------------
// Formatting

const dateTimeFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });

function time(iso) {
  if (!iso) return '—';
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return h('time', { datetime: iso, title: iso }, dateTimeFormat.format(date));
}

/** "in 3 h", "45 min ago": how far a time is from now, roughly. */
function relative(iso) {
  const ms = Date.parse(iso) - Date.now();
  if (Number.isNaN(ms)) return '';
  const minutes = Math.round(Math.abs(ms) / 60_000);
  const span =
    minutes < 60
      ? `${minutes} min`
      : minutes < 72 * 60
        ? `${Math.round(minutes / 60)} h`
        : `${Math.round(minutes / 1440)} d`;
  return ms >= 0 ? `in ${span}` : `${span} ago`;
}

/** A decimal string with its thousands grouped: never through a float. */
function money(value) {
  if (!value) return '—';
  const [whole, fraction] = String(value.amount).split('.');
  const grouped = whole.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return `${grouped}${fraction !== undefined ? `.${fraction}` : ''} ${value.currency}`;
}

const list = (values) => (values && values.length > 0 ? values.join(', ') : 'none');

function dueAt(iso, overdue) {
  if (!iso) return 'no due time';
  return h(
    'span',
    { class: 'due' },
    overdue ? h('strong', { class: 'badge badge-overdue' }, 'Overdue') : null,
    ' ',
    time(iso),
    ' ',
    h('span', { class: 'muted' }, `(${relative(iso)})`),
  );
}

function approvalsOf(task) {
  const review = task.review;
  if (!review) return undefined;
  const approvals = (review.decisions ?? []).filter((d) => d.outcome?.kind === 'approve').length;
  return { approvals, required: review.approvalsRequired };
}

function approvalsText(task) {
  const progress = approvalsOf(task);
  return progress
    ? `${progress.approvals} of ${progress.required} ${progress.required === 1 ? 'approval' : 'approvals'}`
    : '—';
}

function claimedByText(claimedBy, session) {
  if (!claimedBy) return 'Unclaimed';
  return claimedBy === session.claims.sub ? `${claimedBy} (you)` : claimedBy;
}

function outcomeText(outcome) {
  switch (outcome?.kind) {
    case 'approve':
      return `Approved, recommending ${money(outcome.recommendedLimit)}`;
    case 'decline':
      return `Declined: ${list(outcome.reasonCodes)}`;
    case 'request-new-report':
      return 'Requested a new report';
    default:
      return String(outcome?.kind ?? 'unknown');
  }
}

function taskHash(tenant, applicationId) {
  return `#/tasks/${encodeURIComponent(tenant)}/${encodeURIComponent(applicationId)}`;
}

function taskPath(tenant, applicationId) {
  return `/review-tasks/${encodeURIComponent(tenant)}/${encodeURIComponent(applicationId)}`;
}

// ---------------------------------------------------------------------------------------------
// Session: the token, and its claims decoded for display only (the API verifies it on every call)

function decodeClaims(token) {
  const part = token.split('.')[1];
  if (!part || !/^[A-Za-z0-9_-]+$/.test(part)) throw new Error('this is not a JSON Web Token');
  const base64 = part
    .replace(/-/g, '+')
    .replace(/_/g, '/')
    .padEnd(Math.ceil(part.length / 4) * 4, '=');
  const bytes = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
  const claims = JSON.parse(new TextDecoder().decode(bytes));
  if (!claims || typeof claims !== 'object') throw new Error('the token carries no claims');
  return {
    sub: typeof claims.sub === 'string' ? claims.sub : '',
    roles: Array.isArray(claims.roles) ? claims.roles.filter((r) => typeof r === 'string') : [],
    jurisdictions: Array.isArray(claims.jurisdictions) ? claims.jurisdictions.filter((j) => typeof j === 'string') : [],
    exp: typeof claims.exp === 'number' ? claims.exp : undefined,
  };
}

const expired = (claims) => claims.exp !== undefined && claims.exp * 1000 <= Date.now();

function currentSession() {
  const token = sessionStorage.getItem(TOKEN_KEY);
  if (!token) return undefined;
  try {
    const claims = decodeClaims(token);
    if (!expired(claims)) return { token, claims };
  } catch {
    // A token that no longer decodes is as good as none.
  }
  sessionStorage.removeItem(TOKEN_KEY);
  return undefined;
}

let expiryTimer;
let signInMessage = '';

function watchExpiry(session) {
  clearTimeout(expiryTimer);
  if (session?.claims.exp === undefined) return;
  const ms = session.claims.exp * 1000 - Date.now();
  // setTimeout cannot wait longer than about 24 days; such a token is checked on every call anyway.
  if (ms < 2 ** 31 - 1) expiryTimer = setTimeout(() => signOut('Your token has expired: sign in again.'), ms);
}

function signOut(message = 'You are signed out.') {
  sessionStorage.removeItem(TOKEN_KEY);
  clearTimeout(expiryTimer);
  signInMessage = message;
  if (location.hash && location.hash !== '#/') history.replaceState(null, '', `${location.pathname}#/`);
  route();
}

function renderSession(session) {
  const slot = document.getElementById('session');
  slot.replaceChildren();
  if (!session) return;
  const { sub, roles, jurisdictions } = session.claims;
  append(slot, [
    h(
      'dl',
      { class: 'who', 'aria-label': 'Signed in' },
      h('div', {}, h('dt', {}, 'Signed in as'), h('dd', { 'data-testid': 'signed-in-subject' }, sub)),
      h('div', {}, h('dt', {}, 'Roles'), h('dd', {}, list(roles))),
      h('div', {}, h('dt', {}, 'Jurisdictions'), h('dd', {}, list(jurisdictions))),
    ),
    h('button', { type: 'button', class: 'secondary', onclick: () => signOut() }, 'Sign out'),
  ]);
}

// ---------------------------------------------------------------------------------------------
// The API

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

async function api(path, { method = 'GET', body } = {}) {
  const session = currentSession();
  if (!session) {
    signOut('Your session has ended: sign in again.');
    throw new ApiError(401, { detail: 'signed out' });
  }
  return request(path, session.token, { method, body });
}

async function request(path, token, { method = 'GET', body } = {}) {
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

/** A 401 after sign-in means the token stopped being good: back to the sign-in page. */
function endSessionIfRefused(error) {
  if (error instanceof ApiError && error.status === 401) {
    signOut(`The API refused your token (${error.message}): sign in again.`);
    return true;
  }
  return false;
}

/** A refusal as the reviewer reads it: the API's own words, and any field at fault. */
function errorMessage(error, lead = 'Refused') {
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

function statusMessage(text) {
  return h('div', { class: 'message message-ok', role: 'status', tabindex: '-1' }, h('p', {}, text));
}

// ---------------------------------------------------------------------------------------------
// Routing: #/ is the inbox (with its filters as a query), #/tasks/{tenant}/{id} a task

let renderTicket = 0;

function route() {
  const ticket = ++renderTicket;
  const session = currentSession();
  renderSession(session);
  watchExpiry(session);
  if (!session) return renderSignIn();
  const hash = location.hash.startsWith('#/') ? location.hash.slice(1) : '/';
  const [path, query = ''] = hash.split('?');
  const task = /^\/tasks\/([^/]+)\/([^/]+)$/.exec(path);
  if (task) return renderTask(ticket, session, decodeURIComponent(task[1]), decodeURIComponent(task[2]));
  return renderInbox(ticket, session, new URLSearchParams(query));
}

const stale = (ticket) => ticket !== renderTicket;

// ---------------------------------------------------------------------------------------------
// Sign-in

function renderSignIn() {
  const tokenId = uid('token');
  const hintId = uid('hint');
  const feedback = h('div', { class: 'feedback' });
  const textarea = h('textarea', {
    id: tokenId,
    name: 'token',
    rows: '6',
    required: true,
    autocomplete: 'off',
    autocapitalize: 'off',
    spellcheck: 'false',
    'aria-describedby': hintId,
  });
  const button = h('button', { type: 'submit' }, 'Sign in');
  const form = h(
    'form',
    { class: 'panel sign-in', novalidate: true },
    h('label', { for: tokenId }, 'Access token'),
    h(
      'p',
      { id: hintId, class: 'hint' },
      'Paste the token your identity provider issued you. In development, ',
      h('code', {}, 'npm run -s token -- --role reviewer --sub alice --jurisdiction HK'),
      ' prints one. It is kept in this browser tab only and sent only to this API.',
    ),
    textarea,
    h('p', {}, button),
    feedback,
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    void signIn(textarea.value, button, feedback);
  });
  const previous = signInMessage;
  signInMessage = '';
  show(
    h('h1', {}, 'Sign in'),
    h('p', {}, 'Review tasks of your queues: verify the evidence, claim, and decide.'),
    previous ? h('p', { class: 'message message-info', role: 'status' }, previous) : null,
    form,
  );
}

async function signIn(value, button, feedback) {
  const token = value.trim().replace(/^Bearer\s+/i, '');
  const fail = (text) => {
    feedback.replaceChildren(h('p', { class: 'message message-error', role: 'alert' }, text));
  };
  let claims;
  try {
    claims = decodeClaims(token);
  } catch (error) {
    return fail(`That token cannot be read: ${error instanceof Error ? error.message : String(error)}.`);
  }
  if (expired(claims)) return fail(`That token expired at ${new Date(claims.exp * 1000).toLocaleString()}.`);
  if (!claims.roles.some((role) => REVIEWER_ROLES.includes(role))) {
    return fail(`That token has no reviewer role (roles: ${list(claims.roles)}).`);
  }
  button.disabled = true;
  feedback.replaceChildren(h('p', { class: 'muted', role: 'status' }, 'Checking the token with the API…'));
  try {
    await request('/review-tasks', token);
  } catch (error) {
    button.disabled = false;
    return fail(`The API refused the token: ${error instanceof Error ? error.message : String(error)}`);
  }
  sessionStorage.setItem(TOKEN_KEY, token);
  // A link to a task followed before signing in leads there now; anything else to the inbox.
  if (location.hash.startsWith('#/')) route();
  else location.hash = '#/';
}

// ---------------------------------------------------------------------------------------------
// Inbox

function queuesOf(claims) {
  const senior = claims.roles.includes('senior-reviewer');
  return claims.jurisdictions.flatMap((j) => [`${j}-standard`, ...(senior ? [`${j}-senior`] : [])]);
}

const SHOW = [
  ['', 'All tasks'],
  ['unclaimed', 'Unclaimed'],
  ['mine', 'Claimed by me'],
  ['overdue', 'Overdue'],
];

function select(label, name, options, selected) {
  const id = uid(name);
  return h(
    'div',
    { class: 'field' },
    h('label', { for: id }, label),
    h(
      'select',
      { id, name },
      options.map(([value, text]) => h('option', { value, selected: value === selected }, text)),
    ),
  );
}

async function renderInbox(ticket, session, params) {
  const filters = {
    queue: params.get('queue') ?? '',
    jurisdiction: params.get('jurisdiction') ?? '',
    show: params.get('show') ?? '',
  };
  const form = h(
    'form',
    { class: 'filters', 'aria-label': 'Filter tasks' },
    select('Queue', 'queue', [['', 'All my queues'], ...queuesOf(session.claims).map((q) => [q, q])], filters.queue),
    select(
      'Jurisdiction',
      'jurisdiction',
      [['', 'All my jurisdictions'], ...session.claims.jurisdictions.map((j) => [j, j])],
      filters.jurisdiction,
    ),
    select('Show', 'show', SHOW, filters.show),
    h(
      'div',
      { class: 'field actions' },
      h('button', { type: 'submit' }, 'Apply filters'),
      h('button', { type: 'button', class: 'secondary', onclick: () => route() }, 'Refresh'),
    ),
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const query = new URLSearchParams();
    for (const [name, value] of new FormData(form)) if (value) query.set(name, String(value));
    const next = `#/${query.size > 0 ? `?${query}` : ''}`;
    if (location.hash === next) route();
    else location.hash = next;
  });
  const results = h('div', { class: 'results' }, h('p', { class: 'muted', role: 'status' }, 'Loading tasks…'));
  show(
    h('h1', {}, 'Inbox'),
    h('p', { class: 'lede' }, 'Open review tasks of your queues, the earliest SLA due first.'),
    form,
    results,
  );

  const query = new URLSearchParams();
  if (filters.queue) query.set('queue', filters.queue);
  if (filters.jurisdiction) query.set('jurisdiction', filters.jurisdiction);
  let inbox;
  try {
    inbox = await api(`/review-tasks${query.size > 0 ? `?${query}` : ''}`);
  } catch (error) {
    if (stale(ticket) || endSessionIfRefused(error)) return;
    results.replaceChildren(errorMessage(error, 'The inbox could not be loaded'));
    return;
  }
  const tasks = await mapLimited(inbox.items, DETAIL_CONCURRENCY, async (item) => {
    try {
      return { item, task: await api(taskPath(item.tenant, item.applicationId)) };
    } catch (error) {
      return { item, error };
    }
  });
  if (stale(ticket)) return;
  if (tasks.some(({ error }) => endSessionIfRefused(error))) return;

  const me = session.claims.sub;
  const shown = tasks.filter(({ item, task }) => {
    const claimedBy = task?.review?.claimedBy ?? item.assignedReviewer;
    if (filters.show === 'unclaimed') return !claimedBy;
    if (filters.show === 'mine') return claimedBy === me;
    if (filters.show === 'overdue') return task?.review?.overdue ?? item.overdue;
    return true;
  });
  const count = `${shown.length} ${shown.length === 1 ? 'task' : 'tasks'}`;
  const summary = h(
    'p',
    { role: 'status', class: 'muted' },
    `${count} · updated ${dateTimeFormat.format(new Date())}`,
    inbox.truncated ? ' · more tasks matched than one inbox lists: narrow it with a queue or jurisdiction' : '',
  );
  if (shown.length === 0) {
    const filtered = filters.queue || filters.jurisdiction || filters.show;
    results.replaceChildren(
      summary,
      h('p', { class: 'empty' }, filtered ? 'No tasks match these filters.' : 'No open tasks in your queues.'),
    );
    return;
  }
  results.replaceChildren(summary, inboxTable(shown, session));
}

function inboxTable(rows, session) {
  const columns = ['Application', 'Queue', 'SLA due', 'Claimed by', 'Approvals', 'Requested limit'];
  // Explicit roles keep the table's semantics when narrow screens lay its rows out as cards.
  return h(
    'table',
    { class: 'inbox', role: 'table' },
    h('caption', { class: 'visually-hidden' }, 'Review tasks'),
    h(
      'thead',
      { role: 'rowgroup' },
      h(
        'tr',
        { role: 'row' },
        columns.map((c) => h('th', { scope: 'col', role: 'columnheader' }, c)),
      ),
    ),
    h(
      'tbody',
      { role: 'rowgroup' },
      rows.map(({ item, task, error }) => {
        const review = task?.review;
        // One wrapper per cell: on narrow screens the cell is a grid of its label and its content.
        const cell = (label, ...content) => h('td', { 'data-label': label, role: 'cell' }, h('span', {}, content));
        return h(
          'tr',
          { role: 'row', class: (review?.overdue ?? item.overdue) ? 'overdue' : undefined },
          h(
            'th',
            { scope: 'row', role: 'rowheader', 'data-label': 'Application' },
            h('a', { href: taskHash(item.tenant, item.applicationId) }, item.applicationId),
            h('span', { class: 'muted tenant' }, ` ${item.tenant}`),
          ),
          cell(
            'Queue',
            review?.queue ?? item.queue ?? '—',
            (review?.escalated ?? item.queue?.endsWith('-senior')) ? h('span', { class: 'badge' }, 'Escalated') : null,
          ),
          cell('SLA due', dueAt(review?.dueAt ?? item.reviewDueAt, review?.overdue ?? item.overdue)),
          cell('Claimed by', claimedByText(review?.claimedBy ?? item.assignedReviewer, session)),
          cell('Approvals', task ? approvalsText(task) : h('span', { class: 'muted' }, 'unavailable')),
          cell('Requested limit', task ? money(task.requestedLimit) : error ? 'unavailable' : '—'),
        );
      }),
    ),
  );
}

async function mapLimited(items, limit, fn) {
  const results = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await fn(items[index]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

// ---------------------------------------------------------------------------------------------
// Task page

async function renderTask(ticket, session, tenant, applicationId) {
  show(
    h('p', { class: 'breadcrumb' }, h('a', { href: '#/' }, '← Inbox')),
    h('h1', {}, `Application ${applicationId}`),
    h('p', { class: 'muted', role: 'status' }, 'Loading the task…'),
  );
  let task;
  try {
    task = await api(taskPath(tenant, applicationId));
  } catch (error) {
    if (stale(ticket) || endSessionIfRefused(error)) return;
    const container = main();
    container.querySelector('[role="status"]')?.remove();
    append(container, [errorMessage(error, 'The task could not be loaded')]);
    return;
  }
  if (stale(ticket)) return;
  showTask(session, task);
}

/** Draws the task; `message` (after an action) is shown in the review panel and focused. */
function showTask(session, task, message) {
  const panel = reviewPanel(session, task, message);
  show(
    h('p', { class: 'breadcrumb' }, h('a', { href: '#/' }, '← Inbox')),
    h('h1', {}, `Application ${task.applicationId}`),
    h(
      'p',
      { class: 'lede' },
      [
        task.tenant,
        task.product,
        `${money(task.requestedLimit)} requested`,
        task.direction,
        task.reviewJurisdiction,
      ].join(' · '),
    ),
    h(
      'div',
      { class: 'task-layout' },
      panel,
      h(
        'div',
        { class: 'evidence' },
        verificationSection(task),
        fieldsSection(task),
        consentSection(task),
        decisionSection(task),
        timelineSection(task),
      ),
    ),
  );
  if (message) panel.querySelector('.message')?.focus();
}

function section(title, ...content) {
  const id = uid('section');
  return h('section', { class: 'panel', 'aria-labelledby': id }, h('h2', { id }, title), content);
}

function reviewPanel(session, task, message) {
  const review = task.review;
  const me = session.claims.sub;
  const inReview = task.stage === 'IN_REVIEW' && review;
  const mine = inReview && review.claimedBy === me;
  const messages = h('div', { class: 'messages' }, message ?? null);
  const context = { session, task, messages };

  const actions = h('div', { class: 'action-row' });
  if (inReview && !mine) {
    actions.append(h('button', { type: 'button', onclick: (e) => act(context, e.currentTarget, 'claim') }, 'Claim'));
  }
  if (mine) {
    actions.append(
      h(
        'button',
        { type: 'button', class: 'secondary', onclick: (e) => act(context, e.currentTarget, 'release') },
        'Release',
      ),
    );
  }

  return h(
    'section',
    { class: 'panel review-panel', 'aria-labelledby': 'review-heading' },
    h('h2', { id: 'review-heading' }, 'Review'),
    details([
      ['Stage', task.stage],
      ['Queue', review ? `${review.queue}${review.escalated ? ' (escalated)' : ''}` : '—'],
      ['SLA due', review ? dueAt(review.dueAt, review.overdue) : '—'],
      ['Claimed by', review ? claimedByText(review.claimedBy, session) : '—'],
      ['Four-eyes progress', approvalsText(task)],
      ['Submitted by', task.submittedBy],
    ]),
    messages,
    inReview
      ? actions
      : h('p', { class: 'muted' }, `This application is ${task.stage}: there is nothing left to review.`),
    inReview && !mine && review.claimedBy
      ? h('p', { class: 'hint' }, `${review.claimedBy} holds this task: only they can decide it until they release it.`)
      : null,
    mine ? decisionForm(context) : null,
    decisionsSoFar(review),
    task.links?.temporalUi && /^https?:\/\//.test(task.links.temporalUi)
      ? h(
          'p',
          {},
          h(
            'a',
            { href: task.links.temporalUi, target: '_blank', rel: 'noopener noreferrer' },
            'Open the workflow in the Temporal UI',
            h('span', { class: 'visually-hidden' }, ' (opens in a new tab)'),
          ),
        )
      : null,
  );
}

function decisionsSoFar(review) {
  const decisions = review?.decisions ?? [];
  if (decisions.length === 0) return null;
  return h(
    'div',
    { class: 'decisions' },
    h('h3', {}, 'Decisions this round'),
    h(
      'ul',
      {},
      decisions.map((d) =>
        h(
          'li',
          {},
          h('strong', {}, d.reviewer),
          ': ',
          outcomeText(d.outcome),
          ' · ',
          time(d.at),
          d.outcome?.notes ? h('p', { class: 'notes' }, d.outcome.notes) : null,
        ),
      ),
    ),
  );
}

/** Claim, release or decide; the API's answer is the task as it now is, or its refusal. */
async function act(context, trigger, action, body) {
  const { session, task, messages } = context;
  const path = `${taskPath(task.tenant, task.applicationId)}/${action === 'decide' ? 'decision' : action}`;
  trigger.disabled = true;
  trigger.setAttribute('aria-busy', 'true');
  messages.replaceChildren(h('p', { class: 'muted', role: 'status' }, 'Sending…'));
  try {
    const updated = await api(path, { method: 'POST', body });
    const done =
      action === 'claim'
        ? 'You hold this task now: no one else can decide it until you release it or decide.'
        : action === 'release'
          ? 'You released the task: it is back in the queue.'
          : `${OUTCOMES[body.outcome].done} The application is ${updated.stage}.`;
    showTask(session, updated, statusMessage(done));
  } catch (error) {
    if (endSessionIfRefused(error)) return;
    trigger.disabled = false;
    trigger.removeAttribute('aria-busy');
    const refusal = errorMessage(error);
    messages.replaceChildren(refusal);
    refusal.focus();
  }
}

// ---------------------------------------------------------------------------------------------
// The decision form and its confirmation

function decisionForm(context) {
  const { task } = context;
  const verified = task.verification?.verdict === 'VERIFIED';
  const form = h('form', { class: 'decision', novalidate: true, 'aria-labelledby': 'decision-heading' });
  const outcomeName = uid('outcome');
  const radios = Object.entries(OUTCOMES).map(([value, { label }]) => {
    const id = uid('outcome');
    const disabled = value === 'approve' && !verified;
    return h(
      'div',
      { class: 'choice' },
      h('input', {
        type: 'radio',
        id,
        name: outcomeName,
        value,
        disabled,
        checked: value === (verified ? 'approve' : 'decline'),
      }),
      h('label', { for: id }, label),
    );
  });

  const amountId = uid('amount');
  const amountHint = uid('hint');
  const amount = h('input', {
    id: amountId,
    name: 'amount',
    inputmode: 'decimal',
    autocomplete: 'off',
    placeholder: task.requestedLimit.amount,
    'aria-describedby': amountHint,
  });
  const currencyId = uid('currency');
  const currency = h(
    'select',
    { id: currencyId, name: 'currency' },
    [...new Set([task.requestedLimit.currency, ...CURRENCIES])].map((c) =>
      h('option', { value: c, selected: c === task.requestedLimit.currency }, c),
    ),
  );
  const approveFields = h(
    'fieldset',
    { class: 'sub', 'data-outcome': 'approve' },
    h('legend', {}, 'Recommended limit'),
    h(
      'div',
      { class: 'inline-fields' },
      h('div', { class: 'field grow' }, h('label', { for: amountId }, 'Amount'), amount),
      h('div', { class: 'field' }, h('label', { for: currencyId }, 'Currency'), currency),
    ),
    h(
      'p',
      { id: amountHint, class: 'hint' },
      `A decimal amount, e.g. ${task.requestedLimit.amount}; requested: ${money(task.requestedLimit)}.`,
    ),
  );

  const reasonBoxes = REASONS.map(([value, label]) => {
    const id = uid('reason');
    return h(
      'div',
      { class: 'choice' },
      h('input', { type: 'checkbox', id, name: 'reason', value }),
      h('label', { for: id }, label, ' ', h('code', {}, value)),
    );
  });
  const otherId = uid('other');
  const otherHint = uid('hint');
  const other = h('input', { id: otherId, name: 'other', autocomplete: 'off', 'aria-describedby': otherHint });
  const declineFields = h(
    'fieldset',
    { class: 'sub', 'data-outcome': 'decline' },
    h('legend', {}, 'Reason codes'),
    reasonBoxes,
    h('div', { class: 'field' }, h('label', { for: otherId }, 'Other reason codes'), other),
    h(
      'p',
      { id: otherHint, class: 'hint' },
      'Separated by spaces or commas; each 1–40 characters of a–z, 0–9 and -, starting with a letter or digit.',
    ),
  );

  const notesId = uid('notes');
  const notes = h('textarea', { id: notesId, name: 'notes', rows: '3', maxlength: String(MAX_NOTES) });
  const errors = h('div', { class: 'form-errors' });
  const submit = h('button', { type: 'submit' }, 'Continue to confirm');

  append(form, [
    h('h3', { id: 'decision-heading' }, 'Your decision'),
    h('fieldset', { class: 'outcomes' }, h('legend', {}, 'Outcome'), radios),
    verified
      ? null
      : h(
          'p',
          { class: 'hint' },
          `The report is not verified (${task.verification?.verdict ?? 'no verdict'}): it cannot be approved.`,
        ),
    approveFields,
    declineFields,
    h('div', { class: 'field' }, h('label', { for: notesId }, 'Notes (optional)'), notes),
    errors,
    h('div', { class: 'action-row' }, submit),
  ]);

  const outcome = () => form.querySelector(`input[name="${outcomeName}"]:checked`)?.value;
  const sync = () => {
    for (const fieldset of form.querySelectorAll('fieldset[data-outcome]')) {
      const active = fieldset.getAttribute('data-outcome') === outcome();
      fieldset.hidden = !active;
      fieldset.disabled = !active;
    }
  };
  form.addEventListener('change', sync);
  sync();

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    for (const field of form.querySelectorAll('[aria-invalid]')) field.removeAttribute('aria-invalid');
    const problems = [];
    const chosen = outcome();
    const body = { outcome: chosen };
    if (chosen === 'approve') {
      const value = amount.value.trim().replace(/,/g, '');
      if (!AMOUNT.test(value) || /^0(\.0*)?$/.test(value)) {
        problems.push([amount, 'Amount: a positive decimal with at most two decimal places, e.g. 250000.00']);
      } else {
        body.recommendedLimit = { amount: value, currency: currency.value };
      }
    } else if (chosen === 'decline') {
      const typed = other.value.split(/[\s,]+/).filter(Boolean);
      const bad = typed.filter((c) => !REASON_CODE.test(c));
      const codes = [
        ...new Set([...[...form.querySelectorAll('input[name="reason"]:checked')].map((b) => b.value), ...typed]),
      ];
      if (bad.length > 0) problems.push([other, `Other reason codes: not codes: ${bad.join(', ')}`]);
      else if (codes.length === 0) problems.push([other, 'Reason codes: choose or type at least one']);
      else if (codes.length > MAX_REASON_CODES) problems.push([other, `Reason codes: at most ${MAX_REASON_CODES}`]);
      else body.reasonCodes = codes;
    } else if (chosen !== 'request-new-report') {
      problems.push([form.querySelector(`input[name="${outcomeName}"]:not(:disabled)`), 'Outcome: choose one']);
    }
    const text = notes.value.trim();
    if (text.length > MAX_NOTES) problems.push([notes, `Notes: at most ${MAX_NOTES} characters`]);
    if (text) body.notes = text;

    if (problems.length > 0) {
      for (const [field] of problems) field?.setAttribute('aria-invalid', 'true');
      errors.replaceChildren(
        h(
          'div',
          { class: 'message message-error', role: 'alert' },
          h('p', {}, h('strong', {}, 'Check the decision:')),
          h(
            'ul',
            {},
            problems.map(([, problem]) => h('li', {}, problem)),
          ),
        ),
      );
      problems[0][0]?.focus();
      return;
    }
    errors.replaceChildren();
    void confirmDecision(context, body, submit);
  });
  return form;
}

/** A modal dialog: the decision spelled out, Cancel focused first, Escape cancels. */
async function confirmDecision(context, body, trigger) {
  const { task } = context;
  const titleId = uid('dialog-title');
  const summaryId = uid('dialog-summary');
  const rows = [
    ['Application', `${task.applicationId} (${task.tenant})`],
    ['Decision', OUTCOMES[body.outcome].label],
    ['Recommended limit', body.recommendedLimit ? money(body.recommendedLimit) : undefined],
    ['Reason codes', body.reasonCodes ? body.reasonCodes.join(', ') : undefined],
    ['Notes', body.notes],
  ];
  const cancel = h('button', { type: 'button', class: 'secondary', value: 'cancel' }, 'Cancel');
  const confirm = h('button', { type: 'button', value: 'confirm' }, OUTCOMES[body.outcome].confirm);
  const dialog = h(
    'dialog',
    { class: 'confirm', 'aria-labelledby': titleId, 'aria-describedby': summaryId },
    h('h2', { id: titleId }, 'Confirm your decision'),
    h(
      'p',
      { id: summaryId },
      'A decision cannot be undone. It is recorded with your identity in the application’s history.',
    ),
    details(rows),
    h('div', { class: 'action-row' }, cancel, confirm),
  );
  document.body.append(dialog);
  const answer = new Promise((resolve) => {
    cancel.addEventListener('click', () => dialog.close('cancel'));
    confirm.addEventListener('click', () => dialog.close('confirm'));
    dialog.addEventListener('close', () => resolve(dialog.returnValue), { once: true });
  });
  dialog.showModal();
  cancel.focus();
  const result = await answer;
  dialog.remove();
  if (result === 'confirm') await act(context, trigger, 'decide', body);
  else trigger.focus();
}

// ---------------------------------------------------------------------------------------------
// Evidence

function verificationSection(task) {
  const v = task.verification;
  if (!v) return section('Verification', h('p', { class: 'muted' }, 'The report has not been verified yet.'));
  const anchor = v.anchor;
  const verdictClass = v.verdict === 'VERIFIED' ? 'verdict-ok' : 'verdict-bad';
  return section(
    'Verification',
    h(
      'p',
      { class: `verdict ${verdictClass}` },
      h('strong', { class: 'verdict-label' }, v.verdict),
      ' ',
      h('span', {}, VERDICTS[v.verdict] ?? ''),
    ),
    h('h3', {}, 'Receipt'),
    details([
      ['Report hash', code(v.reportHash)],
      ['Hash scheme', task.report?.scheme],
      ['Chain id', v.chainId],
      ['Contract', code(v.contract)],
      ['Block number', anchor ? String(anchor.blockNumber) : undefined],
      ['Block hash', anchor ? code(anchor.blockHash) : undefined],
      ['Issuer', anchor?.issuerName],
      ['Issuer jurisdiction', anchor?.issuerJurisdiction],
      ['Issuer address', anchor ? code(anchor.issuer) : undefined],
      ['Issuer status', anchor ? (anchor.issuerActive ? 'member of the registry' : 'no longer a member') : undefined],
      ['Anchored at', anchor ? time(anchor.anchoredAt) : undefined],
      ['Expires at', anchor ? time(anchor.expiresAt) : undefined],
      ['Revocation reason', anchor?.revocationReason !== undefined ? String(anchor.revocationReason) : undefined],
      ['Merkle batch root', anchor?.batchRoot ? code(anchor.batchRoot) : undefined],
      ['Checked at block', String(v.checkedAtBlock)],
    ]),
  );
}

function fieldsSection(task) {
  const fields = task.report?.decisionFields;
  if (!fields) return null;
  return section(
    'Decision fields',
    details([
      ['Score', String(fields.score)],
      ['Score band', fields.scoreBand],
      ['Delinquency flags', list(fields.delinquencyFlags)],
      ['Issuer claimed by the loan system', task.report.claimedIssuer ? code(task.report.claimedIssuer) : undefined],
    ]),
  );
}

function consentSection(task) {
  const c = task.consent;
  if (!c) return section('Consent', h('p', { class: 'muted' }, 'No consent recorded.'));
  return section(
    'Consent',
    details([
      ['Purposes', list(c.purposes)],
      ['Data categories', list(c.dataCategories)],
      ['Direction', task.direction],
      ['Issuer covered', code(c.issuer)],
      ['Valid until', time(c.validUntil)],
      ['Captured at', time(c.capturedAt)],
      ['Channel', c.channel],
      ['Evidence hash (on the ledger)', c.evidenceHash ? code(c.evidenceHash) : 'not recorded yet'],
    ]),
  );
}

function decisionSection(task) {
  const d = task.decision;
  if (!d) return null;
  return section(
    'Decision',
    details([
      ['Outcome', d.outcome],
      ['Credit limit', d.limit ? money(d.limit) : undefined],
      ['Offer expires', d.offerExpiresAt ? time(d.offerExpiresAt) : undefined],
      ['Reason codes', d.reasonCodes ? list(d.reasonCodes) : undefined],
      ['Policy', d.policyVersion],
    ]),
  );
}

function timelineSection(task) {
  const entries = task.timeline ?? [];
  return section(
    'Timeline',
    entries.length === 0
      ? h('p', { class: 'muted' }, 'Nothing recorded yet.')
      : h(
          'ol',
          { class: 'timeline' },
          entries.map((e) =>
            h(
              'li',
              {},
              time(e.at),
              ' ',
              h('span', { class: 'event' }, e.event),
              ' ',
              h('span', { class: 'badge' }, e.stage),
              e.actor ? h('span', { class: 'muted' }, ` by ${e.actor}`) : null,
            ),
          ),
        ),
  );
}

// ---------------------------------------------------------------------------------------------
// Start

window.addEventListener('hashchange', () => route());
document.querySelector('.skip-link')?.addEventListener('click', (event) => {
  event.preventDefault();
  main().focus();
});
route();
