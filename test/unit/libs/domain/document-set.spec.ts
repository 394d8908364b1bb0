import fc from 'fast-check';
import {
  DEFAULT_DOCUMENT_REQUIREMENTS,
  documentSetFor,
  documentsOutsideConsent,
  DocumentStatus,
  isComplete,
  isReadyForReview,
  MAX_VERSIONS_PER_DOCUMENT,
  missingAt,
  recordVerification,
  requestNewVersion,
  revoke,
  submitDocument,
  Verdict,
  type DocumentConsentGrant,
  type DocumentSet,
  type DocumentSetContext,
  type DocumentSubmission,
  type DocumentVerificationResult,
  type VerificationReceipt,
} from '#domain';

const bureau = '0x' + 'a1'.repeat(20);
const bank = '0x' + 'b2'.repeat(20);
const stranger = '0x' + 'c3'.repeat(20);
const grant: DocumentConsentGrant = {
  purposes: ['credit-assessment'],
  direction: 'southbound',
  validUntil: '2027-06-01T00:00:00Z',
  consentTextHash: 'cccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccc',
  channel: 'mobile-app',
  capturedAt: '2026-01-01T00:00:00Z',
  kinds: {
    'corporate-credit-report': { dataCategories: ['corporate-credit-report'], issuers: [bureau] },
    'personal-credit-report': { dataCategories: ['credit-report'], issuers: [bureau] },
    'bank-statement': { dataCategories: ['bank-statement'], issuers: [bank] },
  },
  // The principal owner's report: covered only by a scope naming it, never by the kind's.
  documents: { 'owner-credit-report': { dataCategories: ['credit-report'], issuers: [bureau] } },
};
const at = '2026-12-05T00:00:00.000Z';
const context: DocumentSetContext = { at, direction: 'southbound', consent: grant };

function emptySet(): DocumentSet {
  const created = documentSetFor(DEFAULT_DOCUMENT_REQUIREMENTS, {
    product: 'sme-credit-line',
    applicantType: 'company',
    direction: 'southbound',
    createdAt: '2026-12-03T09:00:00Z',
  });
  if (!created.ok) throw new Error('expected a set');
  return created.set;
}

const KEYS = emptySet().documents.map((d) => d.key);
const hashOf = (key: string, version = 1) =>
  [...`${key}#${version}`]
    .map((c) => c.charCodeAt(0).toString(16))
    .join('')
    .padEnd(64, '0')
    .slice(0, 64);

function submissionFor(key: string, version = 1): DocumentSubmission {
  if (key.startsWith('bank-statement/'))
    return {
      documentKey: key,
      documentHash: hashOf(key, version),
      issuer: bank,
      fields: {
        month: key.slice('bank-statement/'.length),
        averageBalance: { minorUnits: '5000000', currency: 'HKD' },
        totalInflows: { minorUnits: '12000000', currency: 'HKD' },
      },
    };
  if (key === 'company-credit-report')
    return {
      documentKey: key,
      documentHash: hashOf(key, version),
      issuer: bureau,
      fields: { rating: 'A', score: 700 },
    };
  return {
    documentKey: key,
    documentHash: hashOf(key, version),
    issuer: bureau,
    fields: { score: 720, scoreBand: 'A', delinquencies: 0 },
  };
}

function submit(set: DocumentSet, submission: DocumentSubmission, ctx = context): DocumentSet {
  const result = submitDocument(set, submission, ctx);
  if (!result.ok) throw new Error(`refused: ${JSON.stringify(result.problems)}`);
  return result.set;
}

/** A ledger receipt for the current version of a key: its hash, anchored by `anchorIssuer` (its own issuer by default). */
function receiptFor(set: DocumentSet, documentKey: string, anchorIssuer?: string): VerificationReceipt {
  const current = set.documents.find((d) => d.key === documentKey)?.current;
  return {
    verdict: Verdict.VERIFIED,
    reportHash: current?.documentHash ?? '0'.repeat(64),
    chainId: '31337',
    contract: '0x' + '0'.repeat(40),
    checkedAtBlock: 7,
    anchor: {
      issuer: anchorIssuer ?? current?.issuer ?? bureau,
      issuerName: 'Bureau',
      issuerJurisdiction: 'HK',
      issuerActive: true,
      blockNumber: 5,
      blockHash: '0x' + '1'.repeat(64),
      anchoredAt: '2026-12-01T00:00:00Z',
      expiresAt: '2027-12-01T00:00:00Z',
    },
  };
}

const verify = (set: DocumentSet, documentKey: string, version = 1, verdict: Verdict = Verdict.VERIFIED) =>
  recordVerification(
    set,
    { documentKey, version, verdict, ...(verdict === Verdict.VERIFIED && { receipt: receiptFor(set, documentKey) }) },
    context,
  ).set;

function completeSet(): DocumentSet {
  return KEYS.reduce((set, key) => verify(submit(set, submissionFor(key)), key), emptySet());
}

describe('a document set', () => {
  it('starts with every required document awaiting', () => {
    const set = emptySet();
    expect(set.documents).toHaveLength(8);
    expect(set.documents.every((d) => d.status === DocumentStatus.AWAITING && d.versions === 0)).toBe(true);
    expect(isComplete(set)).toBe(false);
  });

  it('is complete and ready for review when every document has a verified current version', () => {
    const set = completeSet();
    expect(isComplete(set)).toBe(true);
    expect(isReadyForReview(set, context)).toBe(true);
    expect(missingAt(set, '2026-12-06T00:00:00Z')).toEqual([]);
  });

  it('is plain JSON', () => {
    const set = completeSet();
    expect(JSON.parse(JSON.stringify(set))).toEqual(set);
  });

  it('reaches the same complete state whatever order documents are submitted and verified in', () => {
    const reference = completeSet();
    const events = KEYS.flatMap((key) => [`${key}|a`, `${key}|b`]);
    fc.assert(
      fc.property(fc.shuffledSubarray(events, { minLength: events.length, maxLength: events.length }), (order) => {
        const seen = new Set<string>();
        let set = emptySet();
        for (const event of order) {
          const key = event.split('|')[0]!;
          // The first of a key's two events submits it, the second verifies it.
          if (!seen.has(key)) {
            seen.add(key);
            set = submit(set, submissionFor(key));
          } else set = verify(set, key);
        }
        expect(set).toEqual(reference);
      }),
    );
  });

  it('does not become complete when the consent has expired by review', () => {
    const set = completeSet();
    const later = { ...context, at: '2027-06-01T00:00:00Z' };
    expect(isComplete(set)).toBe(true);
    expect(isReadyForReview(set, later)).toBe(false);
    expect(documentsOutsideConsent(set, later)).toHaveLength(8);
  });
});

describe('submitDocument', () => {
  const refusal = (set: DocumentSet, submission: unknown, ctx = context) => {
    const result = submitDocument(set, submission as DocumentSubmission, ctx);
    expect(result.ok).toBe(false);
    return result.ok ? [] : result.problems;
  };

  it.each([
    ['a key not required', { ...submissionFor('owner-credit-report'), documentKey: 'credit-report' }, 'documentKey'],
    [
      'a key named like an Object member',
      { ...submissionFor('owner-credit-report'), documentKey: '__proto__' },
      'documentKey',
    ],
    ['the wrong kind', { ...submissionFor('owner-credit-report'), kind: 'corporate-credit-report' }, 'kind'],
    ['a hash in upper case', { ...submissionFor('owner-credit-report'), documentHash: 'A'.repeat(64) }, 'documentHash'],
    ['a short hash', { ...submissionFor('owner-credit-report'), documentHash: 'a'.repeat(63) }, 'documentHash'],
    ['no issuer', { ...submissionFor('owner-credit-report'), issuer: undefined }, 'issuer'],
    ['an issuer that is no address', { ...submissionFor('owner-credit-report'), issuer: '0x12' }, 'issuer'],
    ['fields that are null', { ...submissionFor('owner-credit-report'), fields: null }, 'fields'],
    ['fields that are an array', { ...submissionFor('owner-credit-report'), fields: [] }, 'fields'],
    [
      'a score too large',
      { ...submissionFor('owner-credit-report'), fields: { score: 1e308, scoreBand: 'A' } },
      'fields.score',
    ],
    [
      "another month's statement",
      { ...submissionFor('bank-statement/2026-07'), documentKey: 'bank-statement/2026-08' },
      'fields.month',
    ],
    ['an issuer outside the consent', { ...submissionFor('owner-credit-report'), issuer: stranger }, 'consent'],
    ['a kind the consent does not cover', submissionFor('bank-statement/2026-07'), 'consent'],
    ['a hash scheme it does not know', { ...submissionFor('owner-credit-report'), scheme: 'md5' as never }, 'scheme'],
    ['a null hash scheme', { ...submissionFor('owner-credit-report'), scheme: null as never }, 'scheme'],
    ['null', null, 'documentKey'],
    ['a string', 'owner-credit-report', 'documentKey'],
  ])('refuses %s, naming the field, and changes nothing', (name, submission, field) => {
    const set = emptySet();
    const copy = JSON.parse(JSON.stringify(set));
    const ctx =
      name === 'a kind the consent does not cover'
        ? {
            ...context,
            consent: { ...grant, kinds: { 'personal-credit-report': grant.kinds!['personal-credit-report']! } },
          }
        : context;
    expect(refusal(set, submission, ctx).map((p) => p.field)).toContain(field);
    expect(set).toEqual(copy);
  });

  it("refuses the principal owner's report under a kind-wide scope: it needs a scope of its own", () => {
    const { documents: _owner, ...kindsOnly } = grant;
    expect(refusal(emptySet(), submissionFor('owner-credit-report'), { ...context, consent: kindsOnly })).toEqual([
      {
        field: 'consent',
        message: "the consent does not name this document: another person's document needs a scope of its own",
      },
    ]);
  });

  it('refuses the same revoked document again', () => {
    const set = revoke(completeSet(), {
      documentKey: 'company-credit-report',
      documentHash: hashOf('company-credit-report'),
      at,
    }).set;
    expect(refusal(set, submissionFor('company-credit-report'))).toEqual([
      { field: 'documentHash', message: 'was revoked by its issuer' },
    ]);
    expect(submitDocument(set, submissionFor('company-credit-report', 2), context).ok).toBe(true);
  });

  it('refuses a hash that is already another document of the set', () => {
    const set = submit(emptySet(), submissionFor('bank-statement/2026-07'));
    expect(
      refusal(set, { ...submissionFor('bank-statement/2026-08'), documentHash: hashOf('bank-statement/2026-07') }),
    ).toEqual([{ field: 'documentHash', message: 'is already another document of this application' }]);
  });

  // Found in review: a rejected hash came back once a newer version had closed the reviewer's request,
  // or under another key; only the open request's hash was refused.
  it('never takes back a hash a reviewer asked to replace, after a newer version or under another key', () => {
    const key = 'owner-credit-report';
    const asked = requestNewVersion(completeSet(), key, 'blurred', at);
    if (!asked.ok) throw new Error('expected a change');
    expect(asked.set.retired).toEqual([{ documentHash: hashOf(key), documentKey: key, reason: 'replaced' }]);
    const replaced = verify(submit(asked.set, submissionFor(key, 2)), key, 2);
    const again = [
      { field: 'documentHash', message: 'is a version a reviewer asked to replace: it cannot be submitted again' },
    ];
    // After version 2, version 1 is not accepted as version 3 ...
    const asked2 = requestNewVersion(replaced, key, 'still blurred', at);
    if (!asked2.ok) throw new Error('expected a change');
    expect(refusal(asked2.set, submissionFor(key))).toEqual(again);
    // ... and neither of the replaced hashes under another key.
    const fresh = requestNewVersion(asked2.set, 'company-credit-report', 'wrong company', at);
    if (!fresh.ok) throw new Error('expected a change');
    for (const version of [1, 2])
      expect(
        refusal(fresh.set, { ...submissionFor('company-credit-report', 2), documentHash: hashOf(key, version) }),
      ).toEqual(again);
    expect(submitDocument(asked2.set, submissionFor(key, 3), context).ok).toBe(true);
  });

  it('never takes back a revoked hash, after a newer version or under another key', () => {
    const key = 'company-credit-report';
    const revoked = revoke(completeSet(), { documentKey: key, documentHash: hashOf(key), at }).set;
    const replaced = submit(revoked, submissionFor(key, 2));
    expect(refusal(replaced, submissionFor(key))).toEqual([
      { field: 'documentHash', message: 'was revoked by its issuer' },
    ]);
    const asked = requestNewVersion(replaced, 'owner-credit-report', 'blurred', at);
    if (!asked.ok) throw new Error('expected a change');
    expect(refusal(asked.set, { ...submissionFor('owner-credit-report', 2), documentHash: hashOf(key) })).toEqual([
      { field: 'documentHash', message: 'was revoked by its issuer' },
    ]);
    // A REVOKED verdict from the ledger retires the hash just the same.
    const ledger = recordVerification(
      submit(emptySet(), submissionFor('owner-credit-report')),
      { documentKey: 'owner-credit-report', version: 1, verdict: Verdict.REVOKED },
      context,
    ).set;
    const next = submit(ledger, submissionFor('owner-credit-report', 2));
    expect(refusal(next, submissionFor('owner-credit-report'))).toEqual([
      { field: 'documentHash', message: 'was revoked by its issuer' },
    ]);
  });

  it('never lets a retired hash become a current version again, whatever happens (property)', () => {
    const keys = ['owner-credit-report', 'company-credit-report'];
    type Op =
      | { op: 'submit'; key: number; hash: number }
      | { op: 'verify'; key: number; verdict: Verdict }
      | { op: 'request'; key: number }
      | { op: 'revoke'; key: number };
    const key = fc.integer({ min: 0, max: 1 });
    const op: fc.Arbitrary<Op> = fc.oneof(
      fc.record({ op: fc.constant('submit' as const), key, hash: fc.integer({ min: 1, max: 4 }) }),
      fc.record({ op: fc.constant('verify' as const), key, verdict: fc.constantFrom(...Object.values(Verdict)) }),
      fc.record({ op: fc.constant('request' as const), key }),
      fc.record({ op: fc.constant('revoke' as const), key }),
    );
    fc.assert(
      fc.property(fc.array(op, { maxLength: 30 }), (ops) => {
        let set = emptySet();
        const retired = new Set<string>();
        for (const o of ops) {
          const k = keys[o.key]!;
          const entry = set.documents.find((d) => d.key === k)!;
          if (o.op === 'submit') {
            // Hashes shared between the two keys: the same few documents offered anywhere.
            const hash = hashOf('shared', o.hash);
            const result = submitDocument(set, { ...submissionFor(k), documentHash: hash }, context);
            if (result.ok && result.set !== set) expect(retired.has(hash)).toBe(false);
            if (result.ok) set = result.set;
          } else if (o.op === 'verify') {
            const version = entry.current?.version ?? 0;
            if (o.verdict === Verdict.REVOKED && entry.status === DocumentStatus.SUBMITTED)
              retired.add(entry.current!.documentHash);
            set = recordVerification(set, { documentKey: k, version, verdict: o.verdict }, context).set;
          } else if (o.op === 'request') {
            const result = requestNewVersion(set, k, 'again', at);
            if (result.ok) {
              retired.add(entry.current!.documentHash);
              set = result.set;
            }
          } else {
            const hash = entry.current?.documentHash ?? '0'.repeat(64);
            const update = revoke(set, { documentKey: k, documentHash: hash, at });
            if (update.applied) retired.add(hash);
            set = update.set;
          }
          expect(new Set((set.retired ?? []).map((r) => r.documentHash))).toEqual(retired);
        }
      }),
    );
  });

  it('refuses a new version of a verified document unless a reviewer asked for one', () => {
    const set = completeSet();
    expect(refusal(set, submissionFor('owner-credit-report', 2))).toEqual([
      {
        field: 'documentKey',
        message: 'is verified; a new version is accepted only when a reviewer asks for one',
      },
    ]);
  });

  it('takes the very same submission again (a retry) as no change', () => {
    const once = submit(emptySet(), submissionFor('owner-credit-report'));
    const twice = submitDocument(once, submissionFor('owner-credit-report'), {
      ...context,
      at: '2026-12-06T00:00:00Z',
    });
    expect(twice).toEqual({ ok: true, set: once });
    const verified = verify(once, 'owner-credit-report');
    expect(submitDocument(verified, submissionFor('owner-credit-report'), context)).toEqual({
      ok: true,
      set: verified,
    });
  });

  it('records the hash scheme the submission names with its version; a retry may leave it out, not contradict it', () => {
    const key = 'owner-credit-report';
    const once = submit(emptySet(), { ...submissionFor(key), scheme: 'sha256-raw-v1' });
    expect(once.documents.find((d) => d.key === key)?.current?.scheme).toBe('sha256-raw-v1');
    // The same, with the scheme or without it (a file upload retried as its hash): no change.
    for (const retry of [{ ...submissionFor(key), scheme: 'sha256-raw-v1' as const }, submissionFor(key)])
      expect(submitDocument(once, retry, context)).toEqual({ ok: true, set: once });
    // Another scheme for the very same hash contradicts the version: refused, not a second version.
    expect(refusal(once, { ...submissionFor(key), scheme: 'sha256-jcs-v1' })).toEqual([
      { field: 'scheme', message: 'is not the scheme this version was submitted with' },
    ]);
    // Unsaid, nothing is recorded: a hash the loan system computed some way it did not name.
    const unsaid = submit(emptySet(), submissionFor(key));
    expect(unsaid.documents.find((d) => d.key === key)?.current).not.toHaveProperty('scheme');
    expect(submitDocument(unsaid, { ...submissionFor(key), scheme: 'sha256-jcs-v1' }, context)).toEqual({
      ok: true,
      set: unsaid,
    });
  });

  it("keeps a batch-anchored document's proof, refuses a malformed one, and counts a changed proof as a new version", () => {
    const key = 'bank-statement/2026-06';
    const batch = { merkleRoot: `0x${'ab'.repeat(32)}`, proof: [`0x${'cd'.repeat(32)}`] };
    const once = submit(emptySet(), { ...submissionFor(key), batch });
    const entry = once.documents.find((d) => d.key === key)!;
    expect(entry.current?.batch).toEqual(batch);
    expect(entry.current?.batch).not.toBe(batch);
    expect(submitDocument(once, { ...submissionFor(key), batch }, context)).toEqual({ ok: true, set: once });
    const moved = submit(once, { ...submissionFor(key), batch: { ...batch, proof: [] } });
    expect(moved.documents.find((d) => d.key === key)?.current?.version).toBe(2);
    for (const [bad, field] of [
      ['root', 'batch'],
      [{ merkleRoot: 'ab', proof: [] }, 'batch.merkleRoot'],
      [{ merkleRoot: batch.merkleRoot, proof: ['0x12'] }, 'batch.proof'],
      [{ merkleRoot: batch.merkleRoot, proof: Array(65).fill(batch.merkleRoot) }, 'batch.proof'],
      [{ merkleRoot: batch.merkleRoot, proof: [], extra: 1 }, 'batch'],
    ] as const) {
      const result = submitDocument(emptySet(), { ...submissionFor(key), batch: bad as never }, context);
      expect(result.ok ? [] : result.problems.map((p) => p.field)).toEqual([field]);
    }
  });

  it('lets a version awaiting verification, or not verified, be replaced by the next version', () => {
    let set = submit(emptySet(), submissionFor('owner-credit-report'));
    set = submit(set, submissionFor('owner-credit-report', 2));
    expect(set.documents.find((d) => d.key === 'owner-credit-report')).toMatchObject({
      status: DocumentStatus.SUBMITTED,
      versions: 2,
      current: { version: 2 },
    });
    set = verify(set, 'owner-credit-report', 2, Verdict.NOT_ANCHORED);
    set = submit(set, submissionFor('owner-credit-report', 3));
    expect(set.documents.find((d) => d.key === 'owner-credit-report')?.versions).toBe(3);
  });

  it(`stops at ${MAX_VERSIONS_PER_DOCUMENT} versions of one document`, () => {
    let set = emptySet();
    for (let v = 1; v <= MAX_VERSIONS_PER_DOCUMENT; v++) set = submit(set, submissionFor('owner-credit-report', v));
    expect(refusal(set, submissionFor('owner-credit-report', MAX_VERSIONS_PER_DOCUMENT + 1))[0]?.field).toBe(
      'documentKey',
    );
  });

  it('never lets a document outside the consent into the set', () => {
    const issuers = [bureau, bank, stranger];
    fc.assert(
      fc.property(
        fc.array(fc.record({ key: fc.constantFrom(...KEYS), issuer: fc.constantFrom(...issuers), v: fc.nat(3) }), {
          maxLength: 30,
        }),
        fc.constantFrom(...issuers),
        (submissions, anchorIssuer) => {
          let set = emptySet();
          for (const { key, issuer, v } of submissions) {
            const result = submitDocument(set, { ...submissionFor(key, v), issuer }, context);
            if (result.ok) set = result.set;
            const entry = set.documents.find((d) => d.key === key)!;
            set = recordVerification(
              set,
              { documentKey: key, version: entry.versions, verdict: Verdict.VERIFIED, anchorIssuer },
              context,
            ).set;
          }
          expect(documentsOutsideConsent(set, context)).toEqual([]);
          for (const d of set.documents.filter((d) => d.status === DocumentStatus.VERIFIED))
            expect(d.current!.issuer).toBe(anchorIssuer);
        },
      ),
    );
  });
});

describe('recordVerification', () => {
  it('counts the verdict for the current version only', () => {
    let set = submit(emptySet(), submissionFor('owner-credit-report'));
    set = submit(set, submissionFor('owner-credit-report', 2));
    const late = recordVerification(
      set,
      { documentKey: 'owner-credit-report', version: 1, verdict: Verdict.VERIFIED },
      context,
    );
    expect(late).toEqual({ set, applied: false, ignored: 'not the current version of the document' });
  });

  it('takes only the first result for a version', () => {
    const set = verify(
      submit(emptySet(), submissionFor('owner-credit-report')),
      'owner-credit-report',
      1,
      Verdict.REVOKED,
    );
    expect(
      recordVerification(set, { documentKey: 'owner-credit-report', version: 1, verdict: Verdict.VERIFIED }, context),
    ).toMatchObject({ set, applied: false });
  });

  it('records a verdict other than VERIFIED as NOT_VERIFIED, with its detail', () => {
    const set = submit(emptySet(), submissionFor('owner-credit-report'));
    const result = recordVerification(
      set,
      { documentKey: 'owner-credit-report', version: 1, verdict: Verdict.NOT_ANCHORED, detail: 'not anchored' },
      context,
    );
    expect(result.set.documents.find((d) => d.key === 'owner-credit-report')).toMatchObject({
      status: DocumentStatus.NOT_VERIFIED,
      current: { verification: { verdict: Verdict.NOT_ANCHORED, at, detail: 'not anchored' } },
    });
    expect(missingAt(result.set, at).find((m) => m.key === 'owner-credit-report')?.reason).toBe(
      'not verified (NOT_ANCHORED)',
    );
  });

  it('does not count a VERIFIED verdict when the anchoring issuer differs or the consent lapsed', () => {
    const set = submit(emptySet(), submissionFor('owner-credit-report'));
    const other = recordVerification(
      set,
      { documentKey: 'owner-credit-report', version: 1, verdict: Verdict.VERIFIED, anchorIssuer: stranger },
      context,
    );
    expect(other.set.documents.find((d) => d.key === 'owner-credit-report')?.status).toBe(DocumentStatus.NOT_VERIFIED);
    const lapsed = recordVerification(
      set,
      {
        documentKey: 'owner-credit-report',
        version: 1,
        verdict: Verdict.VERIFIED,
        receipt: receiptFor(set, 'owner-credit-report'),
      },
      { ...context, at: '2027-06-02T00:00:00Z' },
    );
    expect(lapsed.set.documents.find((d) => d.key === 'owner-credit-report')?.current?.verification).toMatchObject({
      verdict: Verdict.UNTRUSTED_ISSUER,
      detail: 'outside the consent: the consent has expired',
    });
  });

  // Found in review: without anchorIssuer the submitted issuer was trusted, the receipt's anchor was
  // never read, and VERIFIED without any receipt counted.
  it("checks a VERIFIED verdict against the receipt's anchor: its issuer (any case) must be the one submitted", () => {
    const key = 'owner-credit-report';
    const set = submit(emptySet(), submissionFor(key));
    const record = (result: Partial<DocumentVerificationResult>) =>
      recordVerification(
        set,
        { documentKey: key, version: 1, verdict: Verdict.VERIFIED, ...result },
        context,
      ).set.documents.find((d) => d.key === key)!;
    expect(record({}).status).toBe(DocumentStatus.NOT_VERIFIED);
    expect(record({}).current?.verification).toMatchObject({
      verdict: Verdict.NOT_ANCHORED,
      detail: 'VERIFIED without a receipt naming its anchor: not counted',
    });
    const unanchored = { ...receiptFor(set, key) };
    delete unanchored.anchor;
    expect(record({ receipt: unanchored }).status).toBe(DocumentStatus.NOT_VERIFIED);
    // The receipt's anchor names a stranger and no anchorIssuer is given: not the submitted issuer.
    expect(record({ receipt: receiptFor(set, key, stranger) }).current?.verification).toMatchObject({
      verdict: Verdict.UNTRUSTED_ISSUER,
      detail: 'anchored by another issuer than the one submitted',
    });
    // anchorIssuer and the receipt disagree: not counted either.
    expect(record({ receipt: receiptFor(set, key, stranger), anchorIssuer: bureau }).status).toBe(
      DocumentStatus.NOT_VERIFIED,
    );
    expect(record({ receipt: receiptFor(set, key, 'not an address') }).current?.verification).toMatchObject({
      verdict: Verdict.UNTRUSTED_ISSUER,
      detail: 'the anchoring issuer is unknown',
    });
    // Addresses compare case-insensitively (EIP-55 checksums), as elsewhere.
    expect(record({ receipt: receiptFor(set, key, bureau.toUpperCase().replace('0X', '0x')) }).status).toBe(
      DocumentStatus.VERIFIED,
    );
    expect(
      record({ receipt: receiptFor(set, key), anchorIssuer: bureau.toUpperCase().replace('0X', '0x') }).status,
    ).toBe(DocumentStatus.VERIFIED);
  });

  it('never counts a VERIFIED verdict without a receipt anchored by the submitted issuer (property)', () => {
    const key = 'owner-credit-report';
    const set = submit(emptySet(), submissionFor(key));
    const address = fc.constantFrom(bureau, stranger, bureau.toUpperCase().replace('0X', '0x'), 'nope');
    fc.assert(
      fc.property(
        fc.option(address, { nil: undefined }),
        fc.option(fc.option(address, { nil: undefined }), { nil: null }),
        (anchorIssuer, receiptIssuer) => {
          const receipt =
            receiptIssuer === null
              ? undefined
              : receiptIssuer === undefined
                ? { ...receiptFor(set, key), anchor: undefined }
                : receiptFor(set, key, receiptIssuer);
          const entry = recordVerification(
            set,
            {
              documentKey: key,
              version: 1,
              verdict: Verdict.VERIFIED,
              ...(receipt && { receipt }),
              ...(anchorIssuer && { anchorIssuer }),
            },
            context,
          ).set.documents.find((d) => d.key === key)!;
          const issuer = anchorIssuer ?? receiptIssuer;
          const counts =
            typeof receiptIssuer === 'string' &&
            typeof issuer === 'string' &&
            issuer.toLowerCase() === bureau &&
            receiptIssuer.toLowerCase() === bureau;
          expect(entry.status === DocumentStatus.VERIFIED).toBe(counts);
        },
      ),
    );
  });

  it("keeps a receipt with the result, and ignores a receipt for another document's hash", () => {
    const set = submit(emptySet(), submissionFor('owner-credit-report'));
    const receipt = {
      verdict: Verdict.VERIFIED,
      reportHash: hashOf('owner-credit-report'),
      chainId: '31337',
      contract: '0x' + '0'.repeat(40),
      checkedAtBlock: 7,
    };
    const kept = recordVerification(
      set,
      { documentKey: 'owner-credit-report', version: 1, verdict: Verdict.VERIFIED, receipt },
      context,
    );
    expect(kept.set.documents.find((d) => d.key === 'owner-credit-report')?.current?.verification?.receipt).toEqual(
      receipt,
    );
    expect(
      recordVerification(
        set,
        {
          documentKey: 'owner-credit-report',
          version: 1,
          verdict: Verdict.VERIFIED,
          receipt: { ...receipt, reportHash: 'f'.repeat(64) },
        },
        context,
      ),
    ).toEqual({ set, applied: false, ignored: "the receipt is for another document's hash" });
  });

  it('ignores unknown keys, unknown verdicts and malformed results', () => {
    const set = submit(emptySet(), submissionFor('owner-credit-report'));
    for (const result of [
      { documentKey: 'nope', version: 1, verdict: Verdict.VERIFIED },
      { documentKey: 'owner-credit-report', version: 1, verdict: 'PROBABLY' },
      { documentKey: 'owner-credit-report', version: '1', verdict: Verdict.VERIFIED },
      null,
    ])
      expect(recordVerification(set, result as never, context)).toMatchObject({ set, applied: false });
  });

  it("never counts a replaced version's late verification", () => {
    type Op = { op: 'submit' } | { op: 'verify'; version: number; verdict: Verdict } | { op: 'request' };
    const op: fc.Arbitrary<Op> = fc.oneof(
      fc.constant({ op: 'submit' as const }),
      fc.record({
        op: fc.constant('verify' as const),
        version: fc.integer({ min: 0, max: 8 }),
        verdict: fc.constantFrom(...Object.values(Verdict)),
      }),
      fc.constant({ op: 'request' as const }),
    );
    fc.assert(
      fc.property(fc.array(op, { maxLength: 25 }), (ops) => {
        const key = 'owner-credit-report';
        let set = emptySet();
        let submitted = 0;
        const verifiedWhileCurrent = new Set<number>();
        for (const o of ops) {
          const before = set;
          const entry = () => set.documents.find((d) => d.key === key)!;
          if (o.op === 'submit') {
            const result = submitDocument(set, submissionFor(key, ++submitted), context);
            if (result.ok) set = result.set;
          } else if (o.op === 'request') {
            const result = requestNewVersion(set, key, 'illegible', at);
            if (result.ok) set = result.set;
          } else {
            const current = entry().current?.version;
            const update = recordVerification(
              set,
              { documentKey: key, version: o.version, verdict: o.verdict },
              context,
            );
            if (o.version !== current) expect(update).toMatchObject({ set: before, applied: false });
            if (update.applied && o.verdict === Verdict.VERIFIED) verifiedWhileCurrent.add(o.version);
            set = update.set;
          }
          const now = entry();
          if (now.status === DocumentStatus.VERIFIED) expect(verifiedWhileCurrent.has(now.current!.version)).toBe(true);
          expect(now.current === undefined || now.current.version === now.versions).toBe(true);
        }
      }),
    );
  });
});

describe('requestNewVersion', () => {
  it('sends that document alone back to awaiting', () => {
    const set = completeSet();
    const result = requestNewVersion(set, 'bank-statement/2026-09', 'the statement is cut off', '2026-12-07T00:00:00Z');
    if (!result.ok) throw new Error('expected a change');
    const changed = result.set.documents.filter((d, i) => d !== set.documents[i]);
    expect(changed).toEqual([
      expect.objectContaining({
        key: 'bank-statement/2026-09',
        status: DocumentStatus.AWAITING,
        versions: 1,
        newVersionRequested: {
          reason: 'the statement is cut off',
          at: '2026-12-07T00:00:00Z',
          replacedVersion: 1,
          replacedHash: hashOf('bank-statement/2026-09'),
        },
      }),
    ]);
    expect(isComplete(result.set)).toBe(false);
    expect(missingAt(result.set, '2026-12-08T00:00:00Z')).toEqual([
      {
        key: 'bank-statement/2026-09',
        kind: 'bank-statement',
        status: DocumentStatus.AWAITING,
        reason: 'a reviewer asked for a new version',
      },
    ]);
    // The replaced version again is refused; a new one is version 2, and its verification completes the set.
    expect(submitDocument(result.set, submissionFor('bank-statement/2026-09'), context)).toMatchObject({
      ok: false,
      problems: [
        { field: 'documentHash', message: 'is a version a reviewer asked to replace: it cannot be submitted again' },
      ],
    });
    const resubmitted = submit(result.set, submissionFor('bank-statement/2026-09', 2));
    expect(
      recordVerification(
        resubmitted,
        { documentKey: 'bank-statement/2026-09', version: 1, verdict: Verdict.VERIFIED },
        context,
      ).applied,
    ).toBe(false);
    expect(isComplete(verify(resubmitted, 'bank-statement/2026-09', 2))).toBe(true);
  });

  it('refuses an unknown key, a document never submitted, and an empty or huge reason', () => {
    const set = completeSet();
    expect(requestNewVersion(set, 'nope', 'x', at)).toMatchObject({ ok: false, problems: [{ field: 'documentKey' }] });
    const asked = requestNewVersion(set, 'owner-credit-report', 'blurred', at);
    expect(asked.ok && requestNewVersion(asked.set, 'owner-credit-report', 'blurred', at)).toMatchObject({
      ok: false,
      problems: [{ field: 'documentKey', message: 'a new version was already asked for' }],
    });
    expect(requestNewVersion(emptySet(), 'owner-credit-report', 'x', at)).toMatchObject({
      ok: false,
      problems: [{ field: 'documentKey', message: 'has no version to replace yet' }],
    });
    for (const reason of ['', '   ', 'x'.repeat(501), null])
      expect(requestNewVersion(set, 'owner-credit-report', reason as string, at)).toMatchObject({
        ok: false,
        problems: [{ field: 'reason' }],
      });
  });
});

describe('revoke', () => {
  it('takes a revoked document out of a complete set', () => {
    const set = completeSet();
    const result = revoke(set, {
      documentKey: 'company-credit-report',
      documentHash: hashOf('company-credit-report'),
      at,
      detail: 'revoked by issuer',
    });
    expect(result.applied).toBe(true);
    expect(isComplete(result.set)).toBe(false);
    expect(missingAt(result.set, at)).toEqual([
      {
        key: 'company-credit-report',
        kind: 'corporate-credit-report',
        status: 'REVOKED',
        reason: 'revoked by its issuer',
      },
    ]);
    expect(
      revoke(result.set, { documentKey: 'company-credit-report', documentHash: hashOf('company-credit-report'), at }),
    ).toMatchObject({ applied: false });
  });

  it('ignores a revocation of a version already replaced, and unknown keys', () => {
    const set = completeSet();
    expect(revoke(set, { documentKey: 'company-credit-report', documentHash: 'f'.repeat(64), at })).toEqual({
      set,
      applied: false,
      ignored: 'not the current version of the document',
    });
    expect(revoke(set, { documentKey: 'constructor', documentHash: 'f'.repeat(64), at })).toMatchObject({
      set,
      applied: false,
    });
    expect(
      revoke(emptySet(), { documentKey: 'company-credit-report', documentHash: hashOf('company-credit-report'), at }),
    ).toMatchObject({ applied: false });
  });

  // Found in review: a revocation without a hash hit whatever version was current, e.g. a revocation
  // of version 1 seen after version 2 replaced it.
  it('ignores a revocation that names no hash, and one of a replaced version, changing nothing', () => {
    const key = 'owner-credit-report';
    const asked = requestNewVersion(completeSet(), key, 'blurred', at);
    if (!asked.ok) throw new Error('expected a change');
    const set = verify(submit(asked.set, submissionFor(key, 2)), key, 2);
    for (const documentHash of [undefined, null, '', 42])
      expect(revoke(set, { documentKey: key, documentHash, at } as never)).toEqual({
        set,
        applied: false,
        ignored: 'a revocation must name the hash it revokes',
      });
    expect(revoke(set, { documentKey: key, documentHash: hashOf(key, 1), at })).toEqual({
      set,
      applied: false,
      ignored: 'not the current version of the document',
    });
    expect(revoke(set, { documentKey: key, documentHash: hashOf(key, 2), at }).applied).toBe(true);
  });
});

describe('missingAt', () => {
  it('names every document not verified by the deadline, a late verification included', () => {
    let set = submit(emptySet(), submissionFor('owner-credit-report'));
    set = recordVerification(
      set,
      {
        documentKey: 'owner-credit-report',
        version: 1,
        verdict: Verdict.VERIFIED,
        receipt: receiptFor(set, 'owner-credit-report'),
      },
      { ...context, at: '2026-12-20T00:00:00Z' },
    ).set;
    set = submit(set, submissionFor('company-credit-report'));
    const missing = missingAt(set, '2026-12-17T00:00:00Z');
    expect(missing.map((m) => m.key)).toEqual(KEYS);
    expect(missing.find((m) => m.key === 'owner-credit-report')?.reason).toBe('verified after the deadline');
    expect(missing.find((m) => m.key === 'company-credit-report')?.reason).toBe('awaiting verification');
    expect(missing.find((m) => m.key === 'bank-statement/2026-06')?.reason).toBe('not submitted');
    expect(missingAt(set, '2026-12-21T00:00:00Z').map((m) => m.key)).not.toContain('owner-credit-report');
  });
});

describe('documentSetFor', () => {
  it('names a combination without a requirement', () => {
    expect(
      documentSetFor([], { product: 'x', applicantType: 'person', direction: 'northbound', createdAt: at }),
    ).toMatchObject({ ok: false, problem: { field: 'product' } });
  });
});
