// The evidence on the task page: the verification verdict and its receipt, the report's decision
// fields, the consent, the application's decision and its timeline. The receipt is plain text,
// linked to nothing.

import { code, details, h, uid } from './dom.js';
import { list, money, time } from './format.js';

const VERDICTS = {
  VERIFIED: 'The report’s hash is anchored on the ledger by a trusted issuer, not revoked and not expired.',
  NOT_ANCHORED: 'No issuer anchored this report’s hash: it cannot be shown to be authentic.',
  REVOKED: 'The issuer revoked this report.',
  EXPIRED: 'The report has expired, or is older than the policy accepts.',
  UNTRUSTED_ISSUER: 'The issuer that anchored the report is not trusted for this application.',
};

function section(title, ...content) {
  const id = uid('section');
  return h('section', { class: 'panel', 'aria-labelledby': id }, h('h2', { id }, title), content);
}

export function verificationSection(task) {
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

export function fieldsSection(task) {
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

export function consentSection(task) {
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

export function decisionSection(task) {
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

export function timelineSection(task) {
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
