/**
 * One demo application and the steps that move it along, each done by the party that does it in
 * real life (the loan system, the agency, a reviewer) through the API, and each printed as one line.
 */
import { type Schemas } from '#client';
import { type ConsentGrant, type DecisionFields, type LoanStage } from '#domain';
import { hashReportBytes } from '#hashing';
import { type CreditAgency, type CreditReport } from './credit-agency.js';
import { type Application, type LendbridgeApi, type NewApplication, type ReviewTask } from './lendbridge-api.js';
import { TENANT, type Party } from './parties.js';

export interface DemoContext {
  /** This run's id prefix, e.g. DEMO-20261121-083600: every application id starts with it. */
  run: string;
  api: Record<Party, LendbridgeApi>;
  agency: CreditAgency;
  log(applicationId: string, actor: string, message: string): void;
}

/** The version of the consent text the applicant agreed to, hashed like any document. */
const CONSENT_TEXT = 'lendbridge demo consent v1: credit assessment using your credit report (southbound)';
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
