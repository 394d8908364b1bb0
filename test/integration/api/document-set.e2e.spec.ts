/**
 * A company's document set over HTTP on the real stack (API, worker, Temporal dev server, anvil):
 * a mainland SME borrowing in Hong Kong brings its corporate credit report, six months of bank
 * statements and its principal owner's personal credit report, each anchored by the issuer the
 * registry trusts for that kind (the statements as one Merkle batch, as a bank anchors a month for
 * all its customers). Documents arrive in any order, one as a streamed file; each is verified on
 * the ledger as it arrives; review starts once the set is verified; the decision caps the line at
 * a multiple of the statements' inflows. A company whose statements an issuer not trusted for
 * statements anchored never reaches review, let alone approval. The deployment's own configuration
 * (DOCUMENT_POLICY_FILE) adds a kind and a product for companies only, decided on it.
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Wallet } from 'ethers';
import request from 'supertest';
import { createApiApp } from '#api/api-app';
import { DEFAULT_DOCUMENT_CONFIGURATION, StandardDocumentKind } from '#domain';
import { anchorBatchOf, anchorOneOf, grantKindAsAdmin, type AnchoredReport } from '#stack/anchored-reports';
import { DEV_KEYS } from '#stack/dev-ledger';
import { partyTokens, startApiStack, type ApiStack, type Party } from '#test-support/api-stack';
import { eventually } from '#test-support/eventually';
import { TAX_CLEARANCE, TRADE_FINANCE_DOCUMENTS } from '#test-support/trade-finance-documents';

interface DocumentView {
  key: string;
  kind: string;
  month?: string;
  status: string;
  versions: number;
  current?: { verdict?: string; detail?: string; batchRoot?: string; scheme?: string; documentHash: string };
}

const AGENCY_HK = new Wallet(DEV_KEYS.issuerHK).address;
const BANK_HK = new Wallet(DEV_KEYS.bankHK).address;
const hkd = (minorUnits: string) => ({ minorUnits, currency: 'HKD' });
const file = (what: string) => Buffer.from(`%PDF-1.7 ${what} ${randomBytes(12).toString('hex')}`);

describe('a company application decided on its document set, over HTTP', () => {
  let stack: ApiStack;
  let tokens: Record<Party, string>;
  const api = () => request(stack.url);
  const as = (party: Party) => ({
    get: (path: string) => api().get(path).set('Authorization', tokens[party]),
    post: (path: string, body?: object) => api().post(path).set('Authorization', tokens[party]).send(body),
  });

  const configDir = mkdtempSync(join(tmpdir(), 'lendbridge-documents-'));
  beforeAll(async () => {
    const policyFile = join(configDir, 'document-policy.json');
    writeFileSync(policyFile, JSON.stringify(TRADE_FINANCE_DOCUMENTS));
    stack = await startApiStack({ DOCUMENT_POLICY_FILE: policyFile });
    tokens = await partyTokens();
  }, 180_000);

  afterAll(async () => {
    await stack?.stop();
    rmSync(configDir, { recursive: true, force: true });
  });

  const application = (applicationId: string, product = 'sme-credit-line', applicantType = 'company') => ({
    applicationId,
    loanSystemReference: `LOS-${applicationId}`,
    product,
    requestedLimit: { amount: '300000.00', currency: 'HKD' },
    applicantReference: `pseudonym-${applicationId}`,
    applicantType,
    direction: 'southbound',
    reviewJurisdiction: 'HK',
  });

  async function createCompany(applicationId: string, product?: string): Promise<DocumentView[]> {
    const created = await as('bankA').post('/v1/applications', application(applicationId, product)).expect(201);
    expect(created.body.policyVersion).toBe('credit-policy-v2');
    const listed = await eventually(
      async () => (await as('bankA').get(`/v1/applications/${applicationId}/documents`)).body,
      (body: { documents?: DocumentView[] }) => Array.isArray(body.documents),
      `${applicationId}'s documents`,
    );
    return listed.documents as DocumentView[];
  }

  const consent = (statementIssuer: string, agency: string) => ({
    purposes: ['credit-assessment'],
    direction: 'southbound',
    validUntil: new Date(Date.now() + 365 * 86_400_000).toISOString(),
    consentTextHash: createHash('sha256').update('consent text v3').digest('hex'),
    channel: 'mobile-app',
    capturedAt: new Date(Date.now() - 60_000).toISOString(),
    kinds: {
      'corporate-credit-report': { dataCategories: ['corporate-credit-report'], issuers: [agency] },
      'bank-statement': { dataCategories: ['bank-statement'], issuers: [statementIssuer] },
    },
    // The owner's own report is another person's data: named by its key, never by the kind.
    documents: { 'owner-credit-report': { dataCategories: ['credit-report'], issuers: [agency] } },
  });

  const view = async (applicationId: string) => (await as('bankA').get(`/v1/applications/${applicationId}`)).body;

  /** Anchors and submits the set; statements signed by `statementsKey` as `statementsKind`. */
  async function submitSet(
    applicationId: string,
    documents: DocumentView[],
    statements: { key: string; kind: string },
  ): Promise<void> {
    const months = documents.filter((d) => d.kind === StandardDocumentKind.BANK_STATEMENT);
    expect(months).toHaveLength(6);
    const statementFiles = months.map((d) => file(`statement ${d.month}`));
    const [companyReport, ownerReport, anchoredStatements] = await Promise.all([
      (async () => {
        const bytes = file('corporate report');
        return { bytes, ...(await anchorOneOf(stack.ledger, DEV_KEYS.issuerHK, 'corporate-credit-report', bytes)) };
      })(),
      anchorOneOf(stack.ledger, DEV_KEYS.issuerHK, StandardDocumentKind.PERSONAL_CREDIT_REPORT, file('owner report')),
      anchorBatchOf(stack.ledger, statements.key, statements.kind, statementFiles),
    ]);
    const agency = companyReport.issuer;
    await as('bankA')
      .post(`/v1/applications/${applicationId}/consent`, consent(anchoredStatements[0]!.issuer, agency))
      .expect(200);

    const byHash = (a: AnchoredReport) => ({
      documentHash: a.reportHash,
      issuer: a.issuer,
      batch: a.batch,
    });
    const submissions: (() => Promise<unknown>)[] = [
      ...months.map((d, i) => async () => {
        const fields = { month: d.month, averageBalance: hkd('5000000'), totalInflows: hkd('8000000') };
        if (i === 2) {
          // One statement as the file itself, streamed into its hash and never stored.
          await api()
            .post(`/v1/applications/${applicationId}/documents`)
            .set('Authorization', tokens.bankA)
            .field('scheme', 'sha256-raw-v1')
            .field('documentKey', d.key)
            .field('issuer', anchoredStatements[i]!.issuer)
            .field('fields', JSON.stringify(fields))
            .field('batch', JSON.stringify(anchoredStatements[i]!.batch))
            .attach('document', statementFiles[i]!, 'statement.pdf')
            .expect(200);
          return;
        }
        await as('bankA')
          .post(`/v1/applications/${applicationId}/documents`, {
            documentKey: d.key,
            ...byHash(anchoredStatements[i]!),
            fields,
          })
          .expect(200);
      }),
      () =>
        as('bankA')
          .post(`/v1/applications/${applicationId}/documents`, {
            documentKey: 'company-credit-report',
            documentHash: companyReport.documentHash,
            issuer: agency,
            fields: { rating: 'AA', score: 720 },
          })
          .expect(200),
      () =>
        as('bankA')
          .post(`/v1/applications/${applicationId}/documents`, {
            documentKey: 'owner-credit-report',
            documentHash: ownerReport.documentHash,
            issuer: ownerReport.issuer,
            fields: { score: 700, scoreBand: 'A', delinquencies: 0 },
          })
          .expect(200),
    ];
    // Any order: the owner's report first, the corporate report last, statements in between.
    for (const submit of [submissions[7]!, ...submissions.slice(0, 6).reverse(), submissions[6]!]) await submit();
  }

  it('approves a southbound SME on its verified set, the line capped by three times its average inflows', async () => {
    const documents = await createCompany('DS-SME-1');
    expect(documents.map((d) => d.key)).toEqual([
      'company-credit-report',
      ...documents.filter((d) => d.kind === 'bank-statement').map((d) => `bank-statement/${d.month}`),
      'owner-credit-report',
    ]);
    expect(documents.every((d) => d.status === 'AWAITING')).toBe(true);

    await submitSet('DS-SME-1', documents, { key: DEV_KEYS.bankHK, kind: StandardDocumentKind.BANK_STATEMENT });
    const inReview = await eventually(
      () => view('DS-SME-1'),
      (v) => v.stage === 'IN_REVIEW',
      'DS-SME-1 in review',
      { attempts: 600 },
    );
    const verified = inReview.documents as DocumentView[];
    expect(verified.map((d) => [d.key, d.status, d.current?.verdict])).toEqual(
      verified.map((d) => [d.key, 'VERIFIED', 'VERIFIED']),
    );
    expect(verified.filter((d) => d.current?.batchRoot)).toHaveLength(6);
    // The streamed statement's version records the scheme its file was hashed under.
    expect(verified.filter((d) => d.current?.scheme === 'sha256-raw-v1')).toHaveLength(1);

    // The reviewer sees every document with its fields and its ledger receipt.
    const task = await eventually(
      async () => (await as('alice').get('/v1/review-tasks/bank-a/DS-SME-1')).body,
      (t) => Array.isArray(t.documents),
      'the review task',
    );
    const statement = (task.documents as { kind: string; current: Record<string, unknown> }[]).find(
      (d) => d.kind === 'bank-statement',
    )!;
    expect(statement.current).toMatchObject({
      fields: { totalInflows: hkd('8000000') },
      verification: { verdict: 'VERIFIED', receipt: { verdict: 'VERIFIED' } },
    });

    await as('alice').post('/v1/review-tasks/bank-a/DS-SME-1/claim').expect(200);
    await as('alice')
      .post('/v1/review-tasks/bank-a/DS-SME-1/decision', {
        outcome: 'approve',
        recommendedLimit: { amount: '300000.00', currency: 'HKD' },
      })
      .expect(200);
    const decided = await eventually(
      () => view('DS-SME-1'),
      (v) => v.stage === 'APPROVED',
      'DS-SME-1 approved',
      { attempts: 600 },
    );
    // Average monthly inflows HKD 80,000; the policy caps the line at 300% of them.
    expect(decided.decision).toMatchObject({
      outcome: 'APPROVED',
      limit: { amount: '240000.00', currency: 'HKD' },
      policyVersion: 'credit-policy-v2',
    });
    expect(decided.documentConsent.evidenceHash).toMatch(/^[0-9a-f]{64}$/);
    expect(decided.decisionEvidenceHash).toMatch(/^[0-9a-f]{64}$/);
  }, 180_000);

  it('never reviews, let alone approves, a company whose statements an issuer not trusted for statements anchored', async () => {
    const documents = await createCompany('DS-SME-2');
    // The agency may anchor credit reports, not bank statements: the registry would refuse them as
    // statements, so it anchors the statement files as a kind it is trusted for.
    await submitSet('DS-SME-2', documents, {
      key: DEV_KEYS.issuerHK,
      kind: StandardDocumentKind.CORPORATE_CREDIT_REPORT,
    });
    const settled = await eventually(
      () => view('DS-SME-2'),
      (v) => (v.documents as DocumentView[]).every((d) => d.current?.verdict !== undefined),
      'every DS-SME-2 document judged',
      { attempts: 600 },
    );
    const statements = (settled.documents as DocumentView[]).filter((d) => d.kind === 'bank-statement');
    for (const d of statements) {
      expect(d.status).toBe('NOT_VERIFIED');
      expect(d.current).toMatchObject({ verdict: 'UNTRUSTED_ISSUER' });
      expect(d.current?.detail).toContain('not as the expected bank-statement');
    }
    const others = (settled.documents as DocumentView[]).filter((d) => d.kind !== 'bank-statement');
    expect(others.map((d) => d.status)).toEqual(['VERIFIED', 'VERIFIED']);
    expect(settled.stage).toBe('AWAITING_REPORT');
    const task = await as('alice').get('/v1/review-tasks/bank-a/DS-SME-2');
    expect(task.status).not.toBe(200);
    // The loan system ends it: withdrawn, never approved.
    await as('bankA').post('/v1/applications/DS-SME-2/withdrawal', { reasonCode: 'applicant-request' }).expect(200);
    await eventually(
      () => view('DS-SME-2'),
      (v) => v.stage === 'WITHDRAWN',
      'DS-SME-2 withdrawn',
    );
  }, 180_000);

  it('refuses, with the reason and changing nothing, a document outside the consent and a malformed consent', async () => {
    const documents = await createCompany('DS-SME-3');
    const refused = await as('bankA')
      .post('/v1/applications/DS-SME-3/consent', { ...consent(BANK_HK, AGENCY_HK), kinds: {}, channel: 'Mobile App' })
      .expect(422);
    expect(refused.body.errors).toEqual([
      { field: 'channel', message: 'must be a code of lowercase words joined by hyphens' },
      { field: 'kinds', message: 'must have 1 to 64 scopes' },
    ]);
    expect((await view('DS-SME-3')).stage).toBe('AWAITING_CONSENT');

    const agency = AGENCY_HK;
    await as('bankA').post('/v1/applications/DS-SME-3/consent', consent(BANK_HK, agency)).expect(200);
    const statement = documents.find((d) => d.kind === 'bank-statement')!;
    // The consent names the bank for statements, not the agency.
    const outside = await as('bankA')
      .post('/v1/applications/DS-SME-3/documents', {
        documentKey: statement.key,
        documentHash: 'ab'.repeat(32),
        issuer: agency,
        fields: { month: statement.month, averageBalance: hkd('1'), totalInflows: hkd('1') },
      })
      .expect(422);
    expect(outside.body.detail).toContain("consent: the consent does not name the document's issuer");
    // Malformed input: a clear 400 naming the field, never a server error, never an echo.
    const good = {
      documentKey: statement.key,
      documentHash: 'ab'.repeat(32),
      issuer: BANK_HK,
      fields: { month: statement.month, averageBalance: hkd('1'), totalInflows: hkd('1') },
    };
    const malformed: [string, string | object, string][] = [
      [
        'a lone surrogate in a field',
        JSON.stringify({ ...good, fields: { ...good.fields, note: 'LONE' } }).replace('"LONE"', '"\\ud800"'),
        'body.fields.note',
      ],
      ['a null batch', { ...good, batch: null }, 'batch'],
      ['a null hash scheme', { ...good, scheme: null }, 'scheme'],
      ['a hash scheme it does not know', { ...good, scheme: 'md5' }, 'scheme'],
      ['a fields array', { ...good, fields: [1] }, 'fields'],
      ['a key that is not a key', { ...good, documentKey: 'Bank Statement<b>' }, 'documentKey'],
    ];
    for (const [what, body, field] of malformed) {
      const answer = await api()
        .post('/v1/applications/DS-SME-3/documents')
        .set('Authorization', tokens.bankA)
        .set('Content-Type', 'application/json')
        .send(typeof body === 'string' ? body : JSON.stringify(body));
      expect({ what, status: answer.status }).toEqual({ what, status: 400 });
      expect(answer.body.errors.map((e: { field: string }) => e.field)).toContain(field);
      expect(JSON.stringify(answer.body)).not.toContain('<b>');
    }
    const unchanged = await view('DS-SME-3');
    expect((unchanged.documents as DocumentView[]).find((d) => d.key === statement.key)?.versions).toBe(0);
  }, 180_000);
  it('decides a company on a product and a kind the deployment configured, and refuses a person that product does not take', async () => {
    // trade-finance names companies only: a person is refused with the reason, and nothing starts.
    const person = await as('bankA').post('/v1/applications', application('DS-TF-P', 'trade-finance', 'person'));
    expect(person.status).toBe(422);
    expect(person.body.errors).toEqual([
      { field: 'applicantType', message: 'this product takes no application of this applicant type' },
    ]);
    await as('bankA').get('/v1/applications/DS-TF-P').expect(404);
    // A product without requirements of its own still takes a person, on one credit report.
    const personal = await as('bankA').post('/v1/applications', application('DS-TF-Q', 'personal-loan', 'person'));
    expect(personal.status).toBe(201);
    expect(personal.body.policyVersion).toBe('credit-policy-v1');

    const documents = await createCompany('DS-TF-1', 'trade-finance');
    expect(documents.map((d) => [d.key, d.kind])).toEqual([
      ['company-credit-report', StandardDocumentKind.CORPORATE_CREDIT_REPORT],
      ['tax-clearance', TAX_CLEARANCE],
    ]);
    // The registry trusts the HK agency for the new kind too (the consortium's admin grants it).
    await grantKindAsAdmin(stack.ledger, AGENCY_HK, TAX_CLEARANCE);
    const [report, clearance] = await Promise.all([
      anchorOneOf(stack.ledger, DEV_KEYS.issuerHK, StandardDocumentKind.CORPORATE_CREDIT_REPORT, file('report')),
      anchorOneOf(stack.ledger, DEV_KEYS.issuerHK, TAX_CLEARANCE, file('tax clearance')),
    ]);
    const { kinds, documents: _owner, ...base } = consent(BANK_HK, AGENCY_HK);
    await as('bankA')
      .post('/v1/applications/DS-TF-1/consent', {
        ...base,
        kinds: {
          'corporate-credit-report': kinds['corporate-credit-report'],
          [TAX_CLEARANCE]: { dataCategories: ['tax-record'], issuers: [AGENCY_HK] },
        },
      })
      .expect(200);
    const submit = (documentKey: string, documentHash: string, fields: object) =>
      as('bankA')
        .post('/v1/applications/DS-TF-1/documents', { documentKey, documentHash, issuer: AGENCY_HK, fields })
        .expect(200);
    // The configured kind's fields are checked as configured: a status it does not list is a 422.
    const wrong = await as('bankA').post('/v1/applications/DS-TF-1/documents', {
      documentKey: 'tax-clearance',
      documentHash: clearance.documentHash,
      issuer: AGENCY_HK,
      fields: { status: 'pending' },
    });
    expect(wrong.status).toBe(422);
    expect(wrong.body.detail).toContain('fields.status');
    await submit('tax-clearance', clearance.documentHash, { status: 'clear' });
    await submit('company-credit-report', report.documentHash, { rating: 'AA', score: 720 });
    await eventually(
      () => view('DS-TF-1'),
      (v) => v.stage === 'IN_REVIEW',
      'DS-TF-1 in review',
      { attempts: 600 },
    );
    await as('alice').post('/v1/review-tasks/bank-a/DS-TF-1/claim').expect(200);
    await as('alice')
      .post('/v1/review-tasks/bank-a/DS-TF-1/decision', {
        outcome: 'approve',
        recommendedLimit: { amount: '200000.00', currency: 'HKD' },
      })
      .expect(200);
    const decided = await eventually(
      () => view('DS-TF-1'),
      (v) => v.stage === 'APPROVED' || v.stage === 'DECLINED',
      'DS-TF-1 decided',
      { attempts: 600 },
    );
    // No statements in this product's set: the reviewer's recommendation is the cap.
    expect(decided.decision).toMatchObject({
      outcome: 'APPROVED',
      limit: { amount: '200000.00', currency: 'HKD' },
      policyVersion: 'credit-policy-v2',
    });
  }, 180_000);
  it('answers a create retried after the configuration stopped taking it with the application it made', async () => {
    const body = application('DS-TF-R', 'trade-finance');
    await as('bankA').post('/v1/applications', body).expect(201);
    // The API redeployed with trade-finance for persons only: the same request again is the
    // application it made (200), not a 422 that would tell the loan system it was never created.
    const changed = await createApiApp(
      {
        ...stack.config,
        documents: {
          ...DEFAULT_DOCUMENT_CONFIGURATION,
          requirements: [
            {
              product: 'trade-finance',
              applicantType: 'person',
              direction: 'southbound',
              slots: [
                { slot: 'credit-report', kind: StandardDocumentKind.PERSONAL_CREDIT_REPORT, subject: 'applicant' },
              ],
            },
          ],
        },
      },
      { logger: ['error'], abortOnError: false },
    );
    try {
      await changed.listen(0, '127.0.0.1');
      const url = (await changed.getUrl()).replace('[::1]', '127.0.0.1');
      const post = (payload: object) =>
        request(url).post('/v1/applications').set('Authorization', tokens.bankA).send(payload);
      const retried = await post(body);
      expect(retried.status).toBe(200);
      expect(retried.body).toMatchObject({ applicationId: 'DS-TF-R', policyVersion: 'credit-policy-v2' });
      // Another body under the same id, or a new company, is refused as the configuration now says.
      expect((await post({ ...body, loanSystemReference: 'LOS-other' })).status).toBe(422);
      const fresh = await post(application('DS-TF-S', 'trade-finance'));
      expect(fresh.status).toBe(422);
      expect(fresh.body.errors).toEqual([
        { field: 'applicantType', message: 'this product takes no application of this applicant type' },
      ]);
    } finally {
      await changed.close();
    }
  }, 60_000);
});
