// How values read on the page: dates, money, SLA due times, and a review's state in words.

import { h } from './dom.js';

export const dateTimeFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });

export function time(iso) {
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
export function money(value) {
  if (!value) return '—';
  const [whole, fraction] = String(value.amount).split('.');
  const grouped = whole.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return `${grouped}${fraction !== undefined ? `.${fraction}` : ''} ${value.currency}`;
}

export const list = (values) => (values && values.length > 0 ? values.join(', ') : 'none');

/** When a review is due: the time, how far off it is, and the word Overdue when it is. */
export function dueAt(iso, overdue) {
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

/** Four-eyes progress: "1 of 2 approvals". */
export function approvalsText(task) {
  const progress = approvalsOf(task);
  return progress
    ? `${progress.approvals} of ${progress.required} ${progress.required === 1 ? 'approval' : 'approvals'}`
    : '—';
}

export function claimedByText(claimedBy, session) {
  if (!claimedBy) return 'Unclaimed';
  return claimedBy === session.claims.sub ? `${claimedBy} (you)` : claimedBy;
}

export function outcomeText(outcome) {
  switch (outcome?.kind) {
    case 'approve':
      return `Approved, recommending ${money(outcome.recommendedLimit)}`;
    case 'decline':
      return `Declined: ${list(outcome.reasonCodes)}`;
    case 'request-new-report':
      return 'Requested a new report';
    case 'request-new-version':
      return `Requested a new version of ${outcome.documentKey}: ${outcome.reason}`;
    default:
      return String(outcome?.kind ?? 'unknown');
  }
}
