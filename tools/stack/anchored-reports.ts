/**
 * Credit reports for load runs (benchmarks, fault injection): random report bytes hashed as the API
 * hashes an upload, all anchored by the HK development agency in one Merkle batch before a run
 * starts, so each application can submit its hash with a proof and verify on the ledger.
 */
import { randomBytes } from 'node:crypto';
import { Wallet } from 'ethers';
import { StandardDocumentKind } from '#domain';
import { hashReportBytes } from '#hashing';
import { buildReportBatch, LedgerClient, LedgerWriter } from '#ledger';
import { DEV_KEYS } from './dev-ledger.js';

export interface AnchoredReport {
  /** The agency that anchored it (the HK development agency): what consent and verification name. */
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

export async function anchorReports(ledger: LedgerLocation, count: number, label: string): Promise<AnchoredReport[]> {
  const hashes = Array.from(
    { length: count },
    (_, i) =>
      hashReportBytes(Buffer.from(`%PDF-1.7 ${label} credit report #${i} ${randomBytes(16).toString('hex')}`)).hash,
  );
  const batch = buildReportBatch(hashes);
  const client = new LedgerClient({ ...ledger, timeoutMs: 5_000, confirmations: 0 });
  const issuer = new Wallet(DEV_KEYS.issuerHK, client.provider);
  try {
    const writer = new LedgerWriter(client, issuer, { gasPricing: 'auto', txTimeoutMs: 30_000, confirmations: 0 });
    await writer.anchorBatch(
      StandardDocumentKind.PERSONAL_CREDIT_REPORT,
      batch.merkleRoot,
      new Date(Date.now() + 30 * 86_400_000),
      batch.leafCount,
    );
  } finally {
    client.close();
  }
  return hashes.map((reportHash) => ({
    issuer: issuer.address,
    reportHash,
    batch: { merkleRoot: batch.merkleRoot, proof: batch.proofs.get(reportHash)! },
  }));
}
