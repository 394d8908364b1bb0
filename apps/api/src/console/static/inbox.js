// The inbox: open review tasks of the reviewer's queues, the earliest SLA due first, with filters.
// The list endpoint gives each task's summary; each task's details are fetched too, for its
// four-eyes progress and requested limit.

import { api, endSessionIfRefused, errorMessage, taskPath } from './api.js';
import { h, show, uid } from './dom.js';
import { approvalsText, claimedByText, dateTimeFormat, dueAt, money } from './format.js';
import { route, stale, taskHash } from './router.js';

/** Task details fetched at once for the inbox's approval counts. */
const DETAIL_CONCURRENCY = 6;

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
