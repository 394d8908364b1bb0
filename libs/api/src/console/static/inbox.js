// The inbox: open review tasks of the reviewer's queues, the earliest SLA due first, with filters,
// a page at a time ("Show more tasks" appends the next). The list endpoint gives each task's
// summary; each task's details are fetched too, for its four-eyes progress and requested limit.

import { api, endSessionIfRefused, errorMessage, taskPath } from './api.js';
import { h, show, uid } from './dom.js';
import { approvalsText, claimedByText, dateTimeFormat, dueAt, money } from './format.js';
import { route, stale, taskHash } from './router.js';

/** Task details fetched at once for the inbox's approval counts. */
const DETAIL_CONCURRENCY = 6;
/** Tasks per page, as the console asks for them; "Show more tasks" loads as many again. */
const PAGE_SIZE = 25;

const SHOW = [
  ['', 'All tasks'],
  ['unclaimed', 'Unclaimed'],
  ['mine', 'Claimed by me'],
  ['overdue', 'Overdue'],
];

function queuesOf(claims) {
  const senior = claims.roles.includes('senior-reviewer');
  return claims.jurisdictions.flatMap((j) => [`${j}-standard`, ...(senior ? [`${j}-senior`] : [])]);
}

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

export async function renderInbox(ticket, session, params) {
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

  const base = new URLSearchParams();
  if (filters.queue) base.set('queue', filters.queue);
  if (filters.jurisdiction) base.set('jurisdiction', filters.jurisdiction);
  base.set('limit', String(PAGE_SIZE));
  /** One page of the inbox, `after` a cursor of the previous one, with each task's details. */
  const load = async (after) => {
    const query = new URLSearchParams(base);
    if (after) query.set('after', after);
    const page = await api(`/review-tasks?${query}`);
    const tasks = await mapLimited(page.items, DETAIL_CONCURRENCY, async (item) => {
      try {
        return { item, task: await api(taskPath(item.tenant, item.applicationId)) };
      } catch (error) {
        return { item, error };
      }
    });
    return { page, tasks };
  };

  let first;
  try {
    first = await load();
  } catch (error) {
    if (stale(ticket) || endSessionIfRefused(error)) return;
    results.replaceChildren(errorMessage(error, 'The inbox could not be loaded'));
    return;
  }
  if (stale(ticket)) return;
  if (first.tasks.some(({ error }) => endSessionIfRefused(error))) return;

  const me = session.claims.sub;
  const matches = ({ item, task }) => {
    const claimedBy = task?.review?.claimedBy ?? item.assignedReviewer;
    if (filters.show === 'unclaimed') return !claimedBy;
    if (filters.show === 'mine') return claimedBy === me;
    if (filters.show === 'overdue') return task?.review?.overdue ?? item.overdue;
    return true;
  };
  const filtered = Boolean(filters.queue || filters.jurisdiction || filters.show);
  const state = { total: first.page.total, loaded: 0, shown: 0, next: first.page.nextCursor, seen: new Set() };
  const summary = h('p', { role: 'status', class: 'muted', tabindex: '-1' });
  const { table, tbody } = inboxTable();
  const empty = h('p', { class: 'empty' });
  const more = h('div', { class: 'more' });

  /** Adds a page's tasks (once each: visibility may list a task that moved twice) to the table. */
  const add = (tasks) => {
    const fresh = tasks.filter(({ item }) => !state.seen.has(item.workflowId));
    for (const { item } of fresh) state.seen.add(item.workflowId);
    state.loaded += fresh.length;
    const rows = fresh.filter(matches).map((row) => taskRow(row, session));
    state.shown += rows.length;
    tbody.append(...rows);
    return rows;
  };
  const describe = () => {
    const count = `${state.total} ${state.total === 1 ? 'task' : 'tasks'}`;
    const loaded =
      filters.show && state.loaded > 0
        ? ` · ${state.shown} of the ${state.loaded} loaded ${state.shown === 1 ? 'matches' : 'match'}`
        : state.next
          ? ` · showing the first ${state.loaded}`
          : '';
    summary.textContent = `${count}${loaded} · updated ${dateTimeFormat.format(new Date())}`;
    if (state.shown === 0) {
      const none = filtered ? 'No tasks match these filters' : 'No open tasks in your queues';
      empty.textContent = state.next ? `${none} among the first ${state.loaded}.` : `${none}.`;
    }
    // The table stays where it is while pages are added: only its first rows swap out the empty note.
    const body = state.shown > 0 ? table : empty;
    if (!body.isConnected) results.replaceChildren(summary, body, more);
  };

  const button = h('button', { type: 'button', class: 'secondary' }, 'Show more tasks');
  const problem = h('div', {});
  button.addEventListener('click', async () => {
    button.disabled = true;
    button.textContent = 'Loading more tasks…';
    problem.replaceChildren();
    let loaded;
    try {
      loaded = await load(state.next);
    } catch (error) {
      if (stale(ticket) || endSessionIfRefused(error)) return;
      button.disabled = false;
      button.textContent = 'Show more tasks';
      problem.replaceChildren(errorMessage(error, 'More tasks could not be loaded'));
      button.focus();
      return;
    }
    if (stale(ticket)) return;
    if (loaded.tasks.some(({ error }) => endSessionIfRefused(error))) return;
    state.total = loaded.page.total;
    state.next = loaded.page.nextCursor;
    const rows = add(loaded.tasks);
    button.disabled = false;
    button.textContent = 'Show more tasks';
    if (!state.next) more.replaceChildren();
    describe();
    // Keyboard users carry on from the first task just added (or from where they were).
    const target = rows[0]?.querySelector('a') ?? (state.next ? button : summary);
    target.focus();
  });

  add(first.tasks);
  if (state.next) more.replaceChildren(button, problem);
  describe();
}

function inboxTable() {
  const columns = ['Application', 'Queue', 'SLA due', 'Claimed by', 'Approvals', 'Requested limit'];
  const tbody = h('tbody', { role: 'rowgroup' });
  // Explicit roles keep the table's semantics when narrow screens lay its rows out as cards.
  const table = h(
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
    tbody,
  );
  return { table, tbody };
}

function taskRow({ item, task, error }, session) {
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
}

/** Like Promise.all over items.map(fn), with at most `limit` calls under way at once. */
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
