/**
 * One demo application and the steps that move it along, each done by the party that does it in
 * real life (the loan system, the agency, a reviewer) through the API, and each printed as one line.
 */
import { type Schemas } from '#client';
import { StandardDocumentKind, type ConsentGrant, type DecisionFields, type LoanStage } from '#domain';
import { hashReportBytes } from '#hashing';
import { type CreditAgency, type CreditReport } from './credit-agency.js';
import { type Application, type LendbridgeApi, type NewApplication, type ReviewTask } from './lendbridge-api.js';
import { TENANT, type Party } from './parties.js';

export interface DemoContext {
  /** This run's id prefix, e.g. DEMO-20261121-083600: every application id starts with it. */
  run: string;
  api: Record<Party, LendbridgeApi>;
  agency: CreditAgency;
  /** The HK bank that anchors its customers' statements. */
  bank: CreditAgency;
  log(applicationId: string, actor: string, message: string): void;
}

/** The version of the consent text the applicant agreed to, hashed like any document. */
const CONSENT_TEXT = 'lendbridge demo consent v1: credit assessment using your credit report';
/** How long a step may take to show in the application's stage: verification and anchoring are quick. */
const STAGE_TIMEOUT_MS = 60_000;

export class LoanJourney {
  private report?: CreditReport;

  constructor(
    private readonly ctx: DemoContext,
    readonly application: NewApplication,
  ) {}

  get id(): string {
    return this.application.applicationId;
  }

  private log(actor: string, message: string): void {
    this.ctx.log(this.id, actor, message);
  }

  async create(): Promise<void> {
    const created = await this.ctx.api.loanSystem.createApplication(this.application);
    const { amount, currency } = this.application.requestedLimit;
    this.log('loan system', `created: ${amount} ${currency}, ${this.application.product} (${created.stage})`);
  }

  /** The agency issues the applicant's report; anchored unless the demo wants it unknown to the ledger. */
  async issueReport(fields: DecisionFields, options: { anchor: boolean }): Promise<void> {
    const report = this.ctx.agency.writeReport(this.application.applicantReference, fields);
    this.report = report;
    if (!options.anchor) {
      this.log('HK agency', `issued report ${short(report.reportHash)}, deliberately NOT anchored on the ledger`);
      return;
    }
    const outcome = await this.ctx.agency.anchor(report);
    const where =
      outcome.outcome === 'sent' ? `block ${outcome.transaction.blockNumber}` : 'already on the ledger, nothing sent';
    this.log('HK agency', `issued report ${short(report.reportHash)} and anchored its hash (${where})`);
  }

  async grantConsent(options: { waitForEvidence?: boolean } = {}): Promise<void> {
    const consent: ConsentGrant = {
      purposes: ['credit-assessment'],
      dataCategories: ['credit-report'],
      direction: this.application.direction,
      issuer: this.ctx.agency.address,
      validUntil: new Date(Date.now() + 90 * 86_400_000).toISOString(),
      consentTextHash: hashReportBytes(new TextEncoder().encode(CONSENT_TEXT)).hash,
      channel: 'mobile-app',
      capturedAt: new Date().toISOString(),
    };
    await this.ctx.api.loanSystem.grantConsent(this.id, consent);
    this.log('loan system', "consent granted: the applicant shares the HK agency's report");
    if (options.waitForEvidence) {
      const anchored = await this.waitFor('the consent evidence', (a) => a.consent?.evidenceHash !== undefined);
      this.log('lendbridge', `consent evidence recorded on the ledger (${short(anchored.consent!.evidenceHash!)})`);
    }
  }

  /** The loan system uploads the report the applicant handed over; lendbridge keeps only its hash. */
  async uploadReport(): Promise<void> {
    if (!this.report) throw new Error(`${this.id}: no report issued`);
    const state = await this.ctx.api.loanSystem.uploadCreditReport(this.id, this.report.bytes, this.report.fields);
    if (state.report?.reportHash !== this.report.reportHash) {
      throw new Error(
        `${this.id}: the API hashed the report to ${state.report?.reportHash}, not ${this.report.reportHash}`,
      );
    }
    this.log(
      'loan system',
      `uploaded the report; the API hashed it to ${short(state.report.reportHash)} and kept only that`,
    );
    const inReview = await this.waitForStage('IN_REVIEW');
    this.log(
      'lendbridge',
      `verified on the ledger: ${inReview.verification?.verdict}; in review, queue ${inReview.review?.queue}` +
        (inReview.review && inReview.review.approvalsRequired > 1 ? ', four eyes (2 approvals)' : ''),
    );
  }

  /**
   * A company's set, the way a southbound SME brings it: the agency issues its corporate report and
   * its owner's report, the bank anchors the six months of statements as one batch; the loan system
   * records the consent per document and submits each one, in any order; each is verified as it
   * arrives, and review starts once the set is verified.
   */
  async bringCompanyDocuments(monthlyInflowsMinor: string): Promise<void> {
    const { documents } = await this.ctx.api.loanSystem.listDocuments(this.id);
    const months = documents.filter((d) => d.kind === StandardDocumentKind.BANK_STATEMENT);
    const subject = `subject ${this.application.applicantReference}`;
    const [company, owner, statements] = await Promise.all([
      this.ctx.agency.issueDocument(StandardDocumentKind.CORPORATE_CREDIT_REPORT, subject),
      this.ctx.agency.issueDocument(StandardDocumentKind.PERSONAL_CREDIT_REPORT, `${subject}, principal owner`),
      this.ctx.bank.issueBatch(
        StandardDocumentKind.BANK_STATEMENT,
        months.map((d) => `${subject}, statement ${d.month}`),
      ),
    ]);
    this.log('HK agency', `issued and anchored the corporate report and the owner's report`);
    this.log(
      this.ctx.bank.name,
      `anchored ${months.length} monthly statements in one batch (${short(statements[0]!.batch!.merkleRoot)})`,
    );
    const scope = (dataCategory: string, issuer: string) => ({ dataCategories: [dataCategory], issuers: [issuer] });
    await this.ctx.api.loanSystem.grantConsent(this.id, {
      purposes: ['credit-assessment'],
      direction: this.application.direction,
      validUntil: new Date(Date.now() + 90 * 86_400_000).toISOString(),
      consentTextHash: hashReportBytes(new TextEncoder().encode(`${CONSENT_TEXT} (company documents)`)).hash,
      channel: 'mobile-app',
      capturedAt: new Date().toISOString(),
      kinds: {
        [StandardDocumentKind.CORPORATE_CREDIT_REPORT]: scope('corporate-credit-report', this.ctx.agency.address),
        [StandardDocumentKind.BANK_STATEMENT]: scope('bank-statement', this.ctx.bank.address),
      },
      // The owner's report is another person's data: only a scope naming its key covers it.
      documents: { 'owner-credit-report': scope('credit-report', this.ctx.agency.address) },
    });
    this.log('loan system', 'consent granted per document: which data, from which issuer');
    const currency = this.application.requestedLimit.currency;
    const money = (minorUnits: string) => ({ minorUnits, currency });
    for (const [i, d] of months.entries()) {
      await this.ctx.api.loanSystem.submitDocument(this.id, {
        documentKey: d.key,
        documentHash: statements[i]!.documentHash,
        issuer: this.ctx.bank.address,
        fields: { month: d.month, averageBalance: money('5000000'), totalInflows: money(monthlyInflowsMinor) },
        batch: statements[i]!.batch!,
      });
    }
    await this.ctx.api.loanSystem.submitDocument(this.id, {
      documentKey: 'owner-credit-report',
      documentHash: owner.documentHash,
      issuer: this.ctx.agency.address,
      fields: { score: 712, scoreBand: 'A', delinquencies: 0 },
    });
    await this.ctx.api.loanSystem.submitDocument(this.id, {
      documentKey: 'company-credit-report',
      documentHash: company.documentHash,
      issuer: this.ctx.agency.address,
      fields: { rating: 'A', score: 690 },
    });
    this.log('loan system', `submitted ${documents.length} documents; each is verified on the ledger as it arrives`);
    const inReview = await this.waitForStage('IN_REVIEW');
    const verified = (inReview.documents ?? []).filter((d) => d.current?.verdict === 'VERIFIED').length;
    this.log(
      'lendbridge',
      `${verified} of ${documents.length} documents verified; in review, queue ${inReview.review?.queue}`,
    );
  }

  async claim(reviewer: Party): Promise<void> {
    await this.ctx.api[reviewer].claim(TENANT, this.id);
    this.log(reviewer, 'claimed the review task');
  }

  async approve(reviewer: Party, recommendedLimit: Schemas['MoneyDto']): Promise<void> {
    const task = await this.ctx.api[reviewer].decide(TENANT, this.id, {
      outcome: 'approve',
      recommendedLimit,
      notes: 'demo: income and obligations checked',
    });
    const { amount, currency } = recommendedLimit;
    const required = task.review?.approvalsRequired ?? 1;
    const approvals = required > 1 ? ` (${approvalCount(task)} of ${required} approvals)` : '';
    this.log(reviewer, `approved, recommending ${amount} ${currency}${approvals}`);
  }

  async decline(reviewer: Party, reasonCodes: string[]): Promise<void> {
    await this.ctx.api[reviewer].decide(TENANT, this.id, { outcome: 'decline', reasonCodes });
    this.log(reviewer, `declined: ${reasonCodes.join(', ')}`);
  }

  async withdraw(reasonCode: Schemas['WithdrawalDto']['reasonCode']): Promise<void> {
    await this.ctx.api.loanSystem.withdraw(this.id, reasonCode);
    await this.waitForStage('WITHDRAWN');
    this.log('loan system', `withdrew the application: ${reasonCode} (WITHDRAWN)`);
  }

  /** Waits for the credit decision the workflow takes once the review is complete. */
  async awaitDecision(): Promise<void> {
    const decided = await this.waitFor('the decision', (a) => a.stage === 'APPROVED' || a.stage === 'DECLINED');
    const d = decided.decision;
    const what =
      d?.outcome === 'APPROVED'
        ? `credit line ${d.limit?.amount} ${d.limit?.currency} by ${d.policyVersion}`
        : `reasons ${d?.reasonCodes?.join(', ')}`;
    this.log('lendbridge', `decision recorded on the ledger: ${decided.stage}, ${what}`);
  }

  async waitForStage(stage: LoanStage): Promise<Application> {
    return await this.waitFor(stage, (a) => a.stage === stage);
  }

  /** Polls the application (a query: always current) until `done`, or fails naming what it saw. */
  async waitFor(what: string, done: (application: Application) => boolean): Promise<Application> {
    const deadline = Date.now() + STAGE_TIMEOUT_MS;
    for (;;) {
      const application = await this.ctx.api.loanSystem.getApplication(this.id);
      if (done(application)) return application;
      if (Date.now() > deadline) {
        throw new Error(`${this.id}: no ${what} after ${STAGE_TIMEOUT_MS / 1000} s (stage ${application.stage})`);
      }
      await sleep(200);
    }
  }
}

function approvalCount(task: ReviewTask): number {
  return (task.review?.decisions ?? []).filter((decision) => decision.outcome.kind === 'approve').length;
}

/** The first and last characters of a hash: enough to recognise it in the UI. */
export function short(hash: string): string {
  return `${hash.slice(0, 8)}…${hash.slice(-4)}`;
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
