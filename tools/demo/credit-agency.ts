/**
 * An issuer of the demo: the HK credit reference agency writes credit reports (in memory only: a
 * report never touches the disk), hashes them with libs/hashing exactly as the API will hash the
 * upload, and anchors the hashes on the ledger with its own key, as `npm run issuer -- anchor` does;
 * the HK bank anchors a month's statements as one Merkle batch, as `npm run issuer -- anchor-batch`
 * does. Each signs with its own development key: the registry trusts each for its own kinds.
 */
import { randomBytes } from 'node:crypto';
import { Wallet } from 'ethers';
import { type LedgerConfig } from '#config';
import { type DecisionFields, StandardDocumentKind } from '#domain';
import { hashReportBytes } from '#hashing';
import { buildReportBatch, LedgerClient, LedgerWriter, type WriteOutcome } from '#ledger';
import { DEV_KEYS, DEV_MEMBERS } from '#stack/dev-ledger';

/** A report as the applicant hands it over: its bytes, and the hash the ledger knows it by. */
export interface CreditReport {
  bytes: Uint8Array;
  reportHash: string;
  fields: DecisionFields;
}

/** How long an anchored report stays valid on the ledger. */
const ANCHOR_VALIDITY_DAYS = 30;

/** A document an issuer anchored: its bytes, its hash and, for a batch, where it sits in it. */
export interface AnchoredDocument {
  bytes: Uint8Array;
  documentHash: string;
  batch?: { merkleRoot: string; proof: string[] };
}

export class CreditAgency {
  readonly name: string;
  private readonly client: LedgerClient;
  private readonly writer: LedgerWriter;

  constructor(ledger: LedgerConfig, key: string = DEV_KEYS.issuerHK) {
    this.name = DEV_MEMBERS.find((member) => member.key === key)?.name ?? 'issuer';
    this.client = new LedgerClient(ledger);
    this.writer = new LedgerWriter(this.client, new Wallet(key, this.client.provider), ledger);
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

  /** Writes and anchors one document of `kind` (e.g. a corporate credit report). */
  async issueDocument(kind: string, subject: string): Promise<AnchoredDocument> {
    const bytes = this.document(kind, subject);
    const documentHash = hashReportBytes(bytes).hash;
    await this.writer.anchorReport(kind, documentHash, new Date(Date.now() + ANCHOR_VALIDITY_DAYS * 86_400_000));
    return { bytes, documentHash };
  }

  /** Writes one document of `kind` per subject and anchors them all as one Merkle batch. */
  async issueBatch(kind: string, subjects: readonly string[]): Promise<AnchoredDocument[]> {
    const files = subjects.map((subject) => this.document(kind, subject));
    const hashes = files.map((bytes) => hashReportBytes(bytes).hash);
    const batch = buildReportBatch(hashes);
    await this.writer.anchorBatch(
      kind,
      batch.merkleRoot,
      new Date(Date.now() + ANCHOR_VALIDITY_DAYS * 86_400_000),
      batch.leafCount,
    );
    return files.map((bytes, i) => ({
      bytes,
      documentHash: hashes[i]!,
      batch: { merkleRoot: batch.merkleRoot, proof: batch.proofs.get(hashes[i]!)! },
    }));
  }

  private document(kind: string, subject: string): Uint8Array {
    const text = ['%PDF-1.7', `% ${this.name}: ${kind} (demo data)`, `% ${subject}`];
    return new TextEncoder().encode([...text, `% serial ${randomBytes(16).toString('hex')}`, '%%EOF'].join('\n'));
  }

  close(): void {
    this.client.close();
  }
}
