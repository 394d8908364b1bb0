/**
 * Documents anchored on a development ledger, the way their issuers would: random bytes hashed as
 * the API hashes an upload, then anchored by a development issuer as one document or as one Merkle
 * batch. Load runs (benchmarks, fault injection) anchor their credit reports in one batch before a
 * run starts, so each application can submit its hash with a proof and verify on the ledger; the
 * document-set tests anchor each kind with the issuer trusted for it (or not).
 */
import { randomBytes } from 'node:crypto';
import { Wallet } from 'ethers';
import { StandardDocumentKind } from '#domain';
import { hashReportBytes } from '#hashing';
import { buildReportBatch, LedgerClient, LedgerWriter } from '#ledger';
import { DEV_KEYS } from './dev-ledger.js';

export interface AnchoredReport {
  /** The issuer that anchored it: what consent and verification name. */
  issuer: string;
  reportHash: string;
  batch: { merkleRoot: string; proof: string[] };
}

export interface LedgerLocation {
  rpcUrl: string;
  chainId: number;
  registryAddress: string;
  evidenceAddress: string;
}

const THIRTY_DAYS_MS = 30 * 86_400_000;

/** Runs `write` with a writer signing as `issuerKey`; answers the issuer's address. */
async function asIssuer(
  ledger: LedgerLocation,
  issuerKey: string,
  write: (writer: LedgerWriter) => Promise<unknown>,
): Promise<string> {
  const client = new LedgerClient({ ...ledger, timeoutMs: 5_000, confirmations: 0 });
  const issuer = new Wallet(issuerKey, client.provider);
  try {
    await write(new LedgerWriter(client, issuer, { gasPricing: 'auto', txTimeoutMs: 30_000, confirmations: 0 }));
  } finally {
    client.close();
  }
  return issuer.address;
}

/** Anchors each file's hash (sha256-raw-v1) in one batch as `kind`, signed by `issuerKey`. */
export async function anchorBatchOf(
  ledger: LedgerLocation,
  issuerKey: string,
  kind: string,
  files: readonly Buffer[],
): Promise<AnchoredReport[]> {
  const hashes = files.map((bytes) => hashReportBytes(bytes).hash);
  const batch = buildReportBatch(hashes);
  const issuer = await asIssuer(ledger, issuerKey, (writer) =>
    writer.anchorBatch(kind, batch.merkleRoot, new Date(Date.now() + THIRTY_DAYS_MS), batch.leafCount),
  );
  return hashes.map((reportHash) => ({
    issuer,
    reportHash,
    batch: { merkleRoot: batch.merkleRoot, proof: batch.proofs.get(reportHash)! },
  }));
}

/** Anchors one file's hash (sha256-raw-v1) on its own as `kind`, signed by `issuerKey`. */
export async function anchorOneOf(
  ledger: LedgerLocation,
  issuerKey: string,
  kind: string,
  file: Buffer,
): Promise<{ issuer: string; documentHash: string }> {
  const documentHash = hashReportBytes(file).hash;
  const issuer = await asIssuer(ledger, issuerKey, (writer) =>
    writer.anchorReport(kind, documentHash, new Date(Date.now() + THIRTY_DAYS_MS)),
  );
  return { issuer, documentHash };
}

/** Trusts `issuer` for `kind` as the development consortium's admin: a kind a deployment configured. */
export async function grantKindAsAdmin(ledger: LedgerLocation, issuer: string, kind: string): Promise<void> {
  await asIssuer(ledger, DEV_KEYS.admin, (writer) => writer.grantKind(issuer, kind));
}

/** `count` personal credit reports, anchored by the HK development agency in one batch. */
export async function anchorReports(ledger: LedgerLocation, count: number, label: string): Promise<AnchoredReport[]> {
  const files = Array.from({ length: count }, (_, i) =>
    Buffer.from(`%PDF-1.7 ${label} credit report #${i} ${randomBytes(16).toString('hex')}`),
  );
  return await anchorBatchOf(ledger, DEV_KEYS.issuerHK, StandardDocumentKind.PERSONAL_CREDIT_REPORT, files);
}
