// The decision form, shown to the reviewer who holds the task: an outcome, its details (the
// recommended limit, or reason codes) and optional notes, checked here before the confirmation
// dialog. The API checks them again: these checks only save a round trip.

import { append, h, uid } from './dom.js';
import { money } from './format.js';
import { confirmDecision, outcomesFor } from './review-actions.js';

const CURRENCIES = ['HKD', 'CNY', 'USD', 'MOP'];
const AMOUNT = /^(0|[1-9]\d{0,12})(\.\d{1,2})?$/;
const REASON_CODE = /^[a-z0-9][a-z0-9-]{0,39}$/;
const MAX_REASON_CODES = 10;
const MAX_NOTES = 2000;
const MAX_NEW_VERSION_REASON = 500;

/** The reasons a reviewer picks most; any other code may be typed in. */
const REASONS = [
  ['insufficient-income', 'Insufficient income'],
  ['high-debt-burden', 'High debt burden'],
  ['adverse-credit-history', 'Adverse credit history'],
  ['report-inconsistent', 'Report inconsistent with the application'],
  ['identity-unconfirmed', 'Identity not confirmed'],
  ['outside-risk-appetite', 'Outside risk appetite'],
];

export function decisionForm(context) {
  const { task } = context;
  // A report must be VERIFIED to be approved; a document set, every one of its documents.
  const documents = task.documents;
  const verified = documents
    ? documents.length > 0 && documents.every((d) => d.status === 'VERIFIED')
    : task.verification?.verdict === 'VERIFIED';
  const form = h('form', { class: 'decision', novalidate: true, 'aria-labelledby': 'decision-heading' });
  const outcomeName = uid('outcome');
  const radios = outcomesFor(task).map(([value, { label }]) => {
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

  // A document set: which document to ask for again, and why (the loan system passes it on).
  const documentId = uid('document');
  const whyId = uid('why');
  const documentChoice = h(
    'select',
    { id: documentId, name: 'documentKey' },
    (documents ?? []).filter((d) => d.current).map((d) => h('option', { value: d.key }, `${d.key} (${d.status})`)),
  );
  const why = h('textarea', { id: whyId, name: 'why', rows: '2', maxlength: String(MAX_NEW_VERSION_REASON) });
  const newVersionFields = documents
    ? h(
        'fieldset',
        { class: 'sub', 'data-outcome': 'request-new-version' },
        h('legend', {}, 'The document to ask for again'),
        h('div', { class: 'field' }, h('label', { for: documentId }, 'Document'), documentChoice),
        h('div', { class: 'field' }, h('label', { for: whyId }, 'Why (shown to the loan system)'), why),
      )
    : null;

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
          documents
            ? 'Not every document is verified: the set cannot be approved.'
            : `The report is not verified (${task.verification?.verdict ?? 'no verdict'}): it cannot be approved.`,
        ),
    approveFields,
    declineFields,
    newVersionFields,
    h('div', { class: 'field' }, h('label', { for: notesId }, 'Notes (optional)'), notes),
    errors,
    h('div', { class: 'action-row' }, submit),
  ]);

  // Only the chosen outcome's fields show, and only they are enabled.
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
    } else if (chosen === 'request-new-version') {
      const reason = why.value.trim();
      if (!documentChoice.value) problems.push([documentChoice, 'Document: choose the document to ask for again']);
      else body.documentKey = documentChoice.value;
      if (!reason) problems.push([why, 'Why: say what is wrong with this version']);
      else if (reason.length > MAX_NEW_VERSION_REASON)
        problems.push([why, `Why: at most ${MAX_NEW_VERSION_REASON} characters`]);
      else body.reason = reason;
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
