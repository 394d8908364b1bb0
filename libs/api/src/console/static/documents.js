// The evidence of a document set (credit-policy-v2) on the task page: each document with its
// status, verdict, ledger receipt and decision fields, what was missing when review started, and
// the consent per document. Text only, like the rest of the page.

import { code, details, h, uid } from './dom.js';
import { list, money, time } from './format.js';

const VERDICTS = {
  VERIFIED: 'anchored by a trusted issuer for this kind, not revoked, not expired',
  NOT_ANCHORED: 'no issuer anchored this hash',
  REVOKED: 'its issuer revoked it',
  EXPIRED: 'expired, or older than its kind accepts',
  UNTRUSTED_ISSUER: 'the issuer that anchored it is not trusted for this document',
};

const STATUS_TEXT = {
  AWAITING: 'awaiting',
  SUBMITTED: 'submitted, verifying',
  VERIFIED: 'verified',
  NOT_VERIFIED: 'not verified',
  REVOKED: 'revoked',
};

function section(title, ...content) {
  const id = uid('section');
  return h('section', { class: 'panel', 'aria-labelledby': id }, h('h2', { id }, title), content);
}

/** A money field in minor units ({ minorUnits, currency }), shown as the amount it is. */
function minorMoney(value) {
  const digits = String(value.minorUnits).padStart(3, '0');
  return money({ amount: `${digits.slice(0, -2)}.${digits.slice(-2)}`, currency: value.currency });
}

function fieldValue(value) {
  if (value && typeof value === 'object' && 'minorUnits' in value) return minorMoney(value);
  return String(value);
}

function documentEntry(d) {
  const current = d.current;
  const verification = current?.verification;
  const anchor = verification?.receipt?.anchor;
  const bad = d.status === 'NOT_VERIFIED' || d.status === 'REVOKED';
  return h(
    'li',
    { class: 'document' },
    h(
      'h3',
      {},
      d.key,
      ' ',
      h('span', { class: `badge ${bad ? 'verdict-bad' : ''}` }, STATUS_TEXT[d.status] ?? d.status),
    ),
    details([
      ['Kind', d.kind],
      ['Whose', d.subject === 'principal-owner' ? 'the principal owner’s' : 'the applicant’s'],
      ['Version', current ? `${current.version} of ${d.versions}` : undefined],
      [
        'Verdict',
        verification
          ? `${verification.verdict}: ${verification.detail ?? VERDICTS[verification.verdict] ?? ''}`
          : undefined,
      ],
      ['Document hash', current ? code(current.documentHash) : undefined],
      ['Hash scheme', current?.scheme ? code(current.scheme) : undefined],
      ['Issuer', anchor?.issuerName],
      ['Issuer jurisdiction', anchor?.issuerJurisdiction],
      ['Issuer address', current ? code(current.issuer) : undefined],
      ['Merkle batch root', current?.batch ? code(current.batch.merkleRoot) : undefined],
      ['Anchored at', anchor ? time(anchor.anchoredAt) : undefined],
      ['Block', anchor ? String(anchor.blockNumber) : undefined],
      ...Object.entries(current?.fields ?? {}).map(([name, value]) => [name, fieldValue(value)]),
      [
        'New version asked for',
        d.newVersionRequested
          ? h('span', {}, d.newVersionRequested.reason, ' (', time(d.newVersionRequested.at), ')')
          : undefined,
      ],
    ]),
  );
}

export function documentsSection(task) {
  const documents = task.documents ?? [];
  const missing = task.missingDocuments ?? [];
  const verified = documents.filter((d) => d.status === 'VERIFIED').length;
  return section(
    'Documents',
    h('p', {}, `${verified} of ${documents.length} verified on the ledger.`),
    missing.length > 0
      ? h(
          'div',
          { class: 'missing', role: 'note' },
          h('strong', {}, 'Missing when review started: '),
          list(missing.map((m) => `${m.key} (${m.reason})`)),
        )
      : null,
    h('ul', { class: 'documents' }, documents.map(documentEntry)),
  );
}

function scopes(byName) {
  return Object.entries(byName ?? {}).map(([name, scope]) =>
    h('div', {}, `${name}: ${list(scope.dataCategories)} from ${list(scope.issuers)}`),
  );
}

export function documentConsentSection(task) {
  const c = task.documentConsent;
  if (!c) return section('Consent', h('p', { class: 'muted' }, 'No consent recorded.'));
  return section(
    'Consent',
    details([
      ['Purposes', list(c.purposes)],
      ['Direction', c.direction],
      ['Per kind', c.kinds ? scopes(c.kinds) : undefined],
      ['Per document', c.documents ? scopes(c.documents) : undefined],
      ['Valid', h('span', {}, c.validFrom ? ['from ', time(c.validFrom), ' '] : null, 'until ', time(c.validUntil))],
      ['Captured at', time(c.capturedAt)],
      ['Channel', c.channel],
      ['Evidence hash (on the ledger)', c.evidenceHash ? code(c.evidenceHash) : 'not recorded yet'],
    ]),
  );
}
