/**
 * The HK credit reference agency of the demo: it writes credit reports (in memory only: a report
 * never touches the disk), hashes them with libs/hashing exactly as the API will hash the upload,
 * and anchors the hashes on the ledger with its own key, as `npm run issuer -- anchor` does.
 */
import { randomBytes } from 'node:crypto';
import { Wallet } from 'ethers';
import { type LedgerConfig } from '#config';
import { type DecisionFields, StandardDocumentKind } from '#domain';
import { hashReportBytes } from '#hashing';
import { LedgerClient, LedgerWriter, type WriteOutcome } from '#ledger';
import { DEV_KEYS, DEV_MEMBERS } from '#stack/dev-ledger';

/** A report as the applicant hands it over: its bytes, and the hash the ledger knows it by. */
export interface CreditReport {
  bytes: Uint8Array;
  reportHash: string;
  fields: DecisionFields;
}

/** How long an anchored report stays valid on the ledger. */
const ANCHOR_VALIDITY_DAYS = 30;

export class CreditAgency {
  readonly name = DEV_MEMBERS.find((member) => member.key === DEV_KEYS.issuerHK)?.name ?? 'HK agency';
  private readonly client: LedgerClient;
  private readonly writer: LedgerWriter;

  constructor(ledger: LedgerConfig) {
    this.client = new LedgerClient(ledger);
    this.writer = new LedgerWriter(this.client, new Wallet(DEV_KEYS.issuerHK, this.client.provider), ledger);
  }

  /** The agency's address: what an applicant's consent names as the issuer. */
  get address(): string {
    return this.writer.address;
  }

  /** Fails with a clear message when the ledger does not answer, before anything is created. */
  async assertLedgerUp(): Promise<void> {
    const reachability = await this.client.checkReachability();
    if (reachability.status === 'down') {
      throw new Error(`the ledger does not answer (${reachability.reason}): set ANVIL_PORT as for npm run dev`);
    }
  }

  /** A made-up report for a pseudonymous applicant; random content, so every report's hash is new. */
  writeReport(applicantReference: string, fields: DecisionFields): CreditReport {
    const text = [
      '%PDF-1.7',
      `% ${this.name}: credit report (demo data)`,
      `% subject ${applicantReference}`,
      `% score ${fields.score}, band ${fields.scoreBand}, delinquencies ${fields.delinquencyFlags.length}`,
      `% serial ${randomBytes(16).toString('hex')}`,
      '%%EOF',
    ].join('\n');
    const bytes = new TextEncoder().encode(text);
    return { bytes, reportHash: hashReportBytes(bytes).hash, fields };
  }

  /** Anchors the report's hash; an anchor the ledger holds already is not sent again. */
  async anchor(report: CreditReport): Promise<WriteOutcome> {
    return await this.writer.anchorReport(
      StandardDocumentKind.PERSONAL_CREDIT_REPORT,
      report.reportHash,
      new Date(Date.now() + ANCHOR_VALIDITY_DAYS * 86_400_000),
    );
  }

  close(): void {
    this.client.close();
  }
}
