/**
 * `npm run bench:ledger`: gas per report anchored (single, and amortized over Merkle batches), per
 * revocation and per evidence record (by the lender's member account and by a worker replica's
 * authorised key), and verification throughput of LedgerClient against plain eth_call of the same view, on one anvil in
 * one run. Writes bench/results/ledger.json, or ledger-quick.json with `--quick` (fewer verifications).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { hexlify, Interface, JsonRpcProvider, Network, randomBytes, Wallet } from 'ethers';
import { StandardDocumentKind } from '#domain';
import {
  buildReportBatch,
  CREDIT_REPORT_REGISTRY_ABI,
  EvidenceKind,
  LedgerClient,
  LedgerWriter,
  type WriteOutcome,
} from '#ledger';
import { DEV_CHAIN_ID, startAnvil } from '#stack/anvil';
import { REPO_ROOT } from '#stack/contracts';
import { deployDevLedger, devLedgerAddresses, DEV_KEYS, devWorkerKey } from '#stack/dev-ledger';
import { freePort } from '#stack/processes';

const quick = process.argv.includes('--quick');
const VERIFICATIONS = quick ? 500 : 5_000;
const DISTINCT_REPORTS = quick ? 50 : 200;
const POLICY = { trustedIssuers: 'any-member' as const, maxReportAgeSeconds: 365 * 86_400 };
const newHash = (): string => hexlify(randomBytes(32)).slice(2);
const inAMonth = (): Date => new Date(Date.now() + 30 * 86_400_000);
const log = (message: string): void => console.error(`[bench:ledger] ${message}`);

function gasOf(outcome: WriteOutcome): number {
  if (outcome.outcome !== 'sent') throw new Error('expected a transaction');
  return Number(outcome.transaction.gasUsed);
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
}

/** Runs `operation` `count` times in sequence; returns calls per second and sorted latencies (ms). */
async function measure(
  count: number,
  operation: (i: number) => Promise<unknown>,
): Promise<{ perSec: number; latencies: number[] }> {
  const latencies: number[] = [];
  const started = performance.now();
  for (let i = 0; i < count; i++) {
    const t = performance.now();
    await operation(i);
    latencies.push(performance.now() - t);
  }
  const seconds = (performance.now() - started) / 1000;
  return { perSec: count / seconds, latencies: latencies.sort((a, b) => a - b) };
}

async function main(): Promise<void> {
  const anvil = await startAnvil({ port: await freePort() });
  try {
    log(`anvil at ${anvil.rpcUrl}; deploying the registries`);
    const addresses = devLedgerAddresses(await deployDevLedger(anvil.rpcUrl, DEV_CHAIN_ID));
    const settings = { rpcUrl: anvil.rpcUrl, chainId: DEV_CHAIN_ID, ...addresses, timeoutMs: 5_000, confirmations: 0 };
    const client = new LedgerClient(settings);
    const writerSettings = { gasPricing: 'auto', txTimeoutMs: 30_000, confirmations: 0 } as const;
    const writer = new LedgerWriter(client, new Wallet(DEV_KEYS.issuerHK, client.provider), writerSettings);
    const issuer = writer.address;

    log('measuring gas');
    const singles: number[] = [];
    for (let i = 0; i < 5; i++)
      singles.push(
        gasOf(await writer.anchorReport(StandardDocumentKind.PERSONAL_CREDIT_REPORT, newHash(), inAMonth())),
      );
    const perReportInBatch = async (size: number): Promise<number> => {
      const batch = buildReportBatch(Array.from({ length: size }, newHash));
      return (
        gasOf(
          await writer.anchorBatch(
            StandardDocumentKind.PERSONAL_CREDIT_REPORT,
            batch.merkleRoot,
            inAMonth(),
            batch.leafCount,
          ),
        ) / size
      );
    };
    const gasPerReport = {
      single: Math.round(singles.reduce((a, b) => a + b, 0) / singles.length),
      batch16: Math.round((await perReportInBatch(16)) * 10) / 10,
      batch256: Math.round((await perReportInBatch(256)) * 10) / 10,
      batch1024: Math.round((await perReportInBatch(1024)) * 10) / 10,
    };
    const revoked = newHash();
    await writer.anchorReport(StandardDocumentKind.PERSONAL_CREDIT_REPORT, revoked, inAMonth());
    const batch = buildReportBatch(Array.from({ length: 16 }, newHash));
    await writer.anchorBatch(
      StandardDocumentKind.PERSONAL_CREDIT_REPORT,
      batch.merkleRoot,
      inAMonth(),
      batch.leafCount,
    );
    const [inBatch] = [...batch.proofs.keys()] as [string];
    const member = new LedgerWriter(client, new Wallet(DEV_KEYS.recorder, client.provider), writerSettings);
    const replica = new LedgerWriter(client, new Wallet(devWorkerKey(0), client.provider), writerSettings);
    const gasPerWrite = {
      revoke: gasOf(await writer.revoke(revoked, 1)),
      revokeBatch: gasOf(await writer.revokeBatch(batch.merkleRoot, 1)),
      revokeInBatch16: gasOf(await writer.revokeInBatch(inBatch, batch.proofs.get(inBatch)!, batch.merkleRoot, 1)),
      evidenceByMember: gasOf(await member.recordEvidence(newHash(), newHash(), EvidenceKind.Consent)),
      evidenceByReplicaKey: gasOf(await replica.recordEvidence(newHash(), newHash(), EvidenceKind.Consent)),
    };

    log(`anchoring ${DISTINCT_REPORTS} reports to verify`);
    const hashes = Array.from({ length: DISTINCT_REPORTS }, newHash);
    for (const hash of hashes) await writer.anchorReport(StandardDocumentKind.PERSONAL_CREDIT_REPORT, hash, inAMonth());

    // The baseline: the same view, as a bare eth_call over the same kind of connection.
    const network = Network.from(DEV_CHAIN_ID);
    const raw = new JsonRpcProvider(anvil.rpcUrl, network, {
      staticNetwork: network,
      batchMaxCount: 1,
      cacheTimeout: -1,
    });
    const registry = new Interface(CREDIT_REPORT_REGISTRY_ABI);
    const callData = hashes.map((hash) => registry.encodeFunctionData('verify', [issuer, `0x${hash}`]));
    const rawCall = (i: number): Promise<unknown> =>
      raw.send('eth_call', [{ to: addresses.registryAddress, data: callData[i % callData.length] }, 'latest']);
    const verify = (i: number): Promise<unknown> =>
      client.verifyReport(issuer, StandardDocumentKind.PERSONAL_CREDIT_REPORT, hashes[i % hashes.length]!, POLICY);
    // Cold: each report verified once by a client whose caches are empty, as a worker verifies a
    // report it has never seen, anchored in a block it has never looked up.
    const coldClient = new LedgerClient(settings);
    const verifyCold = (i: number): Promise<unknown> =>
      coldClient.verifyReport(issuer, StandardDocumentKind.PERSONAL_CREDIT_REPORT, hashes[i]!, POLICY);
    // Ethers' default options batch requests and hold each one for batchStallTime (10 ms): the same
    // bare call through a default provider shows what the client's tuning saves.
    const untuned = new JsonRpcProvider(anvil.rpcUrl, network, { staticNetwork: network });
    const untunedCall = (i: number): Promise<unknown> =>
      untuned.send('eth_call', [{ to: addresses.registryAddress, data: callData[i % callData.length] }, 'latest']);

    log(`${DISTINCT_REPORTS} cold verifications`);
    const coldRun = await measure(DISTINCT_REPORTS, verifyCold);
    log(`warming up, then ${VERIFICATIONS} verifications each way`);
    await measure(Math.min(500, VERIFICATIONS), rawCall);
    await measure(DISTINCT_REPORTS, verify); // fills the block-hash and issuer caches
    const rawRun = await measure(VERIFICATIONS, rawCall);
    const clientRun = await measure(VERIFICATIONS, verify);
    const untunedRun = await measure(Math.min(300, VERIFICATIONS), untunedCall);

    const result = {
      gasPerReport,
      gasPerWrite,
      verify: {
        clientPerSec: Math.round(clientRun.perSec),
        rawEthCallPerSec: Math.round(rawRun.perSec),
        ratio: Math.round((clientRun.perSec / rawRun.perSec) * 100) / 100,
        p50Ms: Math.round(percentile(clientRun.latencies, 50) * 100) / 100,
        p99Ms: Math.round(percentile(clientRun.latencies, 99) * 100) / 100,
        rawP50Ms: Math.round(percentile(rawRun.latencies, 50) * 100) / 100,
        untunedEthersEthCallP50Ms: Math.round(percentile(untunedRun.latencies, 50) * 100) / 100,
        coldPerSec: Math.round(coldRun.perSec),
        coldP50Ms: Math.round(percentile(coldRun.latencies, 50) * 100) / 100,
      },
      run: {
        verifications: VERIFICATIONS,
        distinctReports: DISTINCT_REPORTS,
        quick,
        node: process.version,
        at: new Date().toISOString(),
      },
    };
    mkdirSync(join(REPO_ROOT, 'bench', 'results'), { recursive: true });
    // A quick run must not overwrite the full-size results BENCHMARKS.md quotes.
    const file = join(REPO_ROOT, 'bench', 'results', quick ? 'ledger-quick.json' : 'ledger.json');
    writeFileSync(file, `${JSON.stringify(result, null, 2)}\n`);
    console.log(JSON.stringify(result, null, 2));
    raw.destroy();
    untuned.destroy();
    client.close();
    coldClient.close();
  } finally {
    await anvil.stop();
  }
}

await main();
