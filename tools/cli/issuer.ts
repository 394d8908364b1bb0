/**
 * `npm run issuer -- <command>`: plays the credit reference agency. Anchors report hashes (one by
 * one or as a Merkle batch, writing each report's proof file), revokes them, shows their status.
 * Report files are read into memory and hashed; only hashes leave this process.
 */
import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { parseArgs } from 'node:util';
import {
  hashJsonReportBytes,
  hashReportBytes,
  isReportHashHex,
  type ReportHash,
} from '../../libs/hashing/src/index.js';
import { buildReportBatch } from '../../libs/ledger/src/index.js';
import { DEV_KEYS } from '../stack/dev-ledger.js';
import { parseCommandLine, printOutcome, runCli, UsageError, type CliContext } from './cli-context.js';

const USAGE = `usage: npm run issuer -- <command> [options]

  anchor <report-file>         anchor one report's hash
  anchor-batch <directory>     anchor every file in a directory as one Merkle batch; writes
                               <file>.proof.json for each report into --out
  revoke <hash|report-file>    revoke a report hash or batch root (--reason required); with
                               --proof, just that report of its batch
  status <hash|report-file>    show what the ledger says; --proof <file> for a batched report

options:
  --json-report                hash the report as JSON (RFC 8785 canonical form, sha256-jcs-v1)
                               instead of its exact bytes (sha256-raw-v1)
  --expires-in-days <n>        validity of the anchor (default 30)
  --reason <code>              revocation reason code, 1-65535
  --out <directory>            where anchor-batch writes proof files (default <directory>/proofs)
  --proof <file>               a proof file written by anchor-batch (status, revoke)

environment: LEDGER_RPC_URL, LEDGER_CHAIN_ID, LEDGER_REGISTRY_ADDRESS, LEDGER_EVIDENCE_ADDRESS, and
LEDGER_SIGNER_KEY or LEDGER_KEYSTORE_FILE (+ LEDGER_KEYSTORE_PASSWORD) for the issuer's key. On the
local stack (chain 31337) they default to npm run dev's deployment and the demo HK agency's key.`;

interface ProofFile {
  reportHash: string;
  scheme: string;
  merkleRoot: string;
  proof: string[];
  chainId: number;
  registry: string;
}

const { positionals, values } = parseCommandLine(() =>
  parseArgs({
    allowPositionals: true,
    options: {
      'json-report': { type: 'boolean', default: false },
      'expires-in-days': { type: 'string', default: '30' },
      reason: { type: 'string' },
      out: { type: 'string' },
      proof: { type: 'string' },
    },
  }),
);

function readProof(path: string): ProofFile {
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as ProofFile;
  } catch {
    throw new UsageError(`${path} is not a proof file written by anchor-batch`);
  }
}

function hashFile(path: string): ReportHash {
  const bytes = readFileSync(path);
  return values['json-report'] ? hashJsonReportBytes(bytes) : hashReportBytes(bytes);
}

/** A 64-hex hash as given, or the hash of the named file. */
function hashArgument(argument: string | undefined): string {
  if (!argument) throw new UsageError('a report hash or file is required');
  const bare = /^0x[0-9a-f]{64}$/i.test(argument) ? argument.slice(2).toLowerCase() : argument;
  return isReportHashHex(bare) ? bare : hashFile(argument).hash;
}

function expiry(): Date {
  const days = Number(values['expires-in-days']);
  if (!Number.isInteger(days) || days < 1)
    throw new UsageError('--expires-in-days must be a whole number of days, 1 or more');
  return new Date(Date.now() + days * 86_400_000);
}

async function anchor(ctx: CliContext, file: string | undefined): Promise<void> {
  if (!file) throw new UsageError('anchor needs a report file');
  const report = hashFile(file);
  const outcome = await (await ctx.writer()).anchorReport(report.hash, expiry());
  printOutcome(`anchored ${report.hash} (${report.scheme}) from ${basename(file)}`, outcome);
}

async function anchorBatch(ctx: CliContext, directory: string | undefined): Promise<void> {
  if (!directory) throw new UsageError('anchor-batch needs a directory of report files');
  const files = readdirSync(directory)
    .map((name) => join(directory, name))
    .filter((path) => statSync(path).isFile());
  if (files.length === 0) throw new UsageError(`no files in ${directory}`);
  const reports = files.map((path) => ({ path, ...hashFile(path) }));
  const batch = buildReportBatch(reports.map((r) => r.hash));
  const outcome = await (await ctx.writer()).anchorBatch(batch.merkleRoot, expiry(), batch.leafCount);
  const out = values.out ?? join(directory, 'proofs');
  mkdirSync(out, { recursive: true });
  for (const report of reports) {
    const proof: ProofFile = {
      reportHash: report.hash,
      scheme: report.scheme,
      merkleRoot: batch.merkleRoot,
      proof: batch.proofs.get(report.hash) ?? [],
      chainId: ctx.config.chainId,
      registry: ctx.config.registryAddress,
    };
    writeFileSync(join(out, `${basename(report.path)}.proof.json`), `${JSON.stringify(proof, null, 2)}\n`);
  }
  printOutcome(`anchored batch ${batch.merkleRoot} of ${batch.leafCount} reports; proofs in ${out}`, outcome);
}

async function revoke(ctx: CliContext, target: string | undefined): Promise<void> {
  const reason = Number(values.reason);
  if (!Number.isInteger(reason) || reason < 1 || reason > 65_535) throw new UsageError('--reason must be 1-65535');
  const writer = await ctx.writer();
  if (values.proof) {
    const proof = readProof(values.proof);
    const hash = target ? hashArgument(target) : proof.reportHash;
    const outcome = await writer.revokeInBatch(hash, proof.proof, proof.merkleRoot, reason);
    printOutcome(`revoked ${hash} in batch ${proof.merkleRoot} with reason ${reason}`, outcome);
    return;
  }
  // A batch root is given as 0x-prefixed bytes32; a report as its hash or file.
  const key = target && /^0x[0-9a-fA-F]{64}$/.test(target) ? target : hashArgument(target);
  printOutcome(`revoked ${key} with reason ${reason}`, await writer.revoke(key, reason));
}

async function status(ctx: CliContext, target: string | undefined): Promise<void> {
  // The issuer's view: any current member, no age limit (lenders apply their own policy).
  const policy = { trustedIssuers: 'any-member' as const, maxReportAgeSeconds: Number.MAX_SAFE_INTEGER };
  let receipt;
  if (values.proof) {
    const proof = readProof(values.proof);
    const hash = target ? hashArgument(target) : proof.reportHash;
    receipt = await ctx.client.verifyReportInBatch(hash, proof.proof, proof.merkleRoot, policy);
  } else {
    receipt = await ctx.client.verifyReport(hashArgument(target), policy);
  }
  console.log(`${receipt.reportHash}: ${receipt.verdict}`);
  if (receipt.anchor) {
    const a = receipt.anchor;
    console.log(
      `  issuer      ${a.issuerName} (${a.issuerJurisdiction}) ${a.issuer}${a.issuerActive ? '' : ' [no longer a member]'}`,
    );
    console.log(`  anchored    ${a.anchoredAt} in block ${a.blockNumber} (${a.blockHash})`);
    console.log(`  expires     ${a.expiresAt}`);
    if (a.revocationReason) console.log(`  revoked     reason ${a.revocationReason}`);
    if (a.batchRoot) console.log(`  batch root  ${a.batchRoot}`);
  }
  console.log(
    `  ledger      chain ${receipt.chainId}, registry ${receipt.contract}, checked at block ${receipt.checkedAtBlock}`,
  );
}

const [command, target] = positionals;
await runCli(USAGE, DEV_KEYS.issuerHK, async (ctx) => {
  switch (command) {
    case 'anchor':
      return await anchor(ctx, target);
    case 'anchor-batch':
      return await anchorBatch(ctx, target);
    case 'revoke':
      return await revoke(ctx, target);
    case 'status':
      return await status(ctx, target);
    default:
      throw new UsageError(command ? `unknown command "${command}"` : 'a command is required');
  }
});
