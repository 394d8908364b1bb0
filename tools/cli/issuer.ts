/**
 * `npm run issuer -- <command>`: plays the credit reference agency. Anchors report hashes (one by
 * one or as a Merkle batch, writing each report's proof file), revokes them, shows their status.
 * Report files are read into memory and hashed; only hashes leave this process. Everything happens
 * in the signing issuer's own namespace on the registry: what another issuer did is never shown as
 * this issuer's.
 */
import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { parseArgs } from 'node:util';
import { isBytes32, isBytes32AnyCase } from '#domain';
import { hashJsonReportBytes, hashReportBytes, isReportHashHex, type ReportHash } from '#hashing';
import { buildReportBatch, LedgerRevertError, type LedgerWriter } from '#ledger';
import { DEV_KEYS } from '#stack/dev-ledger';
import { printOutcome, runCli, UsageError, type CliContext } from './cli-context.js';

const USAGE = `usage: npm run issuer -- <command> [options]

  anchor <report-file>         anchor one report's hash
  anchor-batch <directory>     anchor every file in a directory as one Merkle batch; writes
                               <file>.proof.json for each report into --out
  revoke <hash|report-file>    revoke a report anchored on its own (--reason required); with
                               --proof, just that report of its batch
  revoke-batch <root|proof>    revoke a whole batch, by its root or one of its proof files
  status <hash|report-file>    show what the ledger says of the report as anchored by --issuer
                               (default: the signer); --proof <file> for a batched report

options:
  --json-report                hash the report as JSON (RFC 8785 canonical form, sha256-jcs-v1)
                               instead of its exact bytes (sha256-raw-v1)
  --expires-in-days <n>        validity of the anchor (default 30)
  --reason <code>              revocation reason code, 1-65535
  --out <directory>            where anchor-batch writes proof files (default <directory>/proofs)
  --proof <file>               a proof file written by anchor-batch (status, revoke)
  --issuer <address>           whose anchor status looks at (default: the signer's address)
  -h, --help                   show this help

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

const parse = () =>
  parseArgs({
    allowPositionals: true,
    options: {
      'json-report': { type: 'boolean', default: false },
      'expires-in-days': { type: 'string', default: '30' },
      reason: { type: 'string' },
      out: { type: 'string' },
      proof: { type: 'string' },
      issuer: { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
type Values = ReturnType<typeof parse>['values'];

function readProof(path: string): ProofFile {
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as ProofFile;
  } catch {
    throw new UsageError(`${path} is not a proof file written by anchor-batch`);
  }
}

function hashFile(values: Values, path: string): ReportHash {
  const bytes = readFileSync(path);
  return values['json-report'] ? hashJsonReportBytes(bytes) : hashReportBytes(bytes);
}

/** A 64-hex hash as given, or the hash of the named file. */
function hashArgument(values: Values, argument: string | undefined): string {
  if (!argument) throw new UsageError('a report hash or file is required');
  // 0x and 64 hex digits, either case of both (0X too): lowercased, it is a bytes32 as lendbridge writes it.
  const lowered = argument.toLowerCase();
  const bare = isBytes32(lowered) ? lowered.slice(2) : argument;
  return isReportHashHex(bare) ? bare : hashFile(values, argument).hash;
}

function expiry(values: Values): Date {
  const days = Number(values['expires-in-days']);
  if (!Number.isInteger(days) || days < 1)
    throw new UsageError('--expires-in-days must be a whole number of days, 1 or more');
  return new Date(Date.now() + days * 86_400_000);
}

async function anchor(ctx: CliContext, values: Values, file: string | undefined): Promise<void> {
  if (!file) throw new UsageError('anchor needs a report file');
  const report = hashFile(values, file);
  const writer = await ctx.writer();
  const outcome = await writer.anchorReport(report.hash, expiry(values));
  const what = `anchored ${report.hash} (${report.scheme}) from ${basename(file)}`;
  printOutcome(what, outcome, `already anchored by this issuer (${writer.address})`);
}

async function anchorBatch(ctx: CliContext, values: Values, directory: string | undefined): Promise<void> {
  if (!directory) throw new UsageError('anchor-batch needs a directory of report files');
  const files = readdirSync(directory)
    .map((name) => join(directory, name))
    .filter((path) => statSync(path).isFile());
  if (files.length === 0) throw new UsageError(`no files in ${directory}`);
  const reports = files.map((path) => ({ path, ...hashFile(values, path) }));
  const batch = buildReportBatch(reports.map((r) => r.hash));
  const writer = await ctx.writer();
  const outcome = await writer.anchorBatch(batch.merkleRoot, expiry(values), batch.leafCount);
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
  const what = `anchored batch ${batch.merkleRoot} of ${batch.leafCount} reports; proofs in ${out}`;
  printOutcome(what, outcome, `already anchored by this issuer (${writer.address})`);
}

function reasonCode(values: Values): number {
  const reason = Number(values.reason);
  if (!Number.isInteger(reason) || reason < 1 || reason > 65_535) throw new UsageError('--reason must be 1-65535');
  return reason;
}

/**
 * Runs a revocation and says exactly what the chain holds for this issuer: revoked now, revoked
 * before with this reason (nothing sent), or revoked before with another reason (refused, exit 1).
 */
async function revokeAs(
  writer: LedgerWriter,
  what: string,
  reason: number,
  revocation: () => Promise<{ at: string; reason: number } | undefined>,
  send: () => ReturnType<LedgerWriter['revoke']>,
): Promise<void> {
  try {
    const outcome = await send();
    const before = outcome.outcome === 'already-recorded' ? await revocation() : undefined;
    const already = `already revoked by this issuer (${writer.address}) with reason ${reason}${before ? ` at ${before.at}` : ''}`;
    printOutcome(`revoked ${what} with reason ${reason}`, outcome, already);
  } catch (error) {
    if (!(error instanceof LedgerRevertError && error.errorName === 'AlreadyRevoked')) throw error;
    const before = await revocation();
    const earlier = before ? ` with reason ${before.reason} at ${before.at}` : '';
    throw new Error(`${what} was revoked by this issuer (${writer.address})${earlier}; a revocation is never changed`, {
      cause: error,
    });
  }
}

async function revoke(ctx: CliContext, values: Values, target: string | undefined): Promise<void> {
  const reason = reasonCode(values);
  const writer = await ctx.writer();
  if (values.proof) {
    const proof = readProof(values.proof);
    const hash = target ? hashArgument(values, target) : proof.reportHash;
    return await revokeAs(
      writer,
      `${hash} in batch ${proof.merkleRoot}`,
      reason,
      () => ctx.client.revocationInBatch(writer.address, proof.merkleRoot, hash),
      () => writer.revokeInBatch(hash, proof.proof, proof.merkleRoot, reason),
    );
  }
  const hash = hashArgument(values, target);
  await revokeAs(
    writer,
    hash,
    reason,
    async () => (await ctx.client.anchorOf(writer.address, hash))?.revoked,
    () => writer.revoke(hash, reason),
  );
}

async function revokeBatch(ctx: CliContext, values: Values, target: string | undefined): Promise<void> {
  if (!target) throw new UsageError('revoke-batch needs a batch root or one of its proof files');
  const reason = reasonCode(values);
  const root = isBytes32AnyCase(target) ? target.toLowerCase() : readProof(target).merkleRoot;
  const writer = await ctx.writer();
  await revokeAs(
    writer,
    `batch ${root}`,
    reason,
    async () => (await ctx.client.batchOf(writer.address, root))?.revoked,
    () => writer.revokeBatch(root, reason),
  );
}

async function status(ctx: CliContext, values: Values, target: string | undefined): Promise<void> {
  if (values.issuer !== undefined && !/^0x[0-9a-fA-F]{40}$/.test(values.issuer)) {
    throw new UsageError(`--issuer "${values.issuer}" is not an address (0x followed by 40 hex digits)`);
  }
  const issuer = values.issuer ?? (await ctx.writer()).address;
  // The issuer's view: any current member, no age limit (lenders apply their own policy).
  const policy = { trustedIssuers: 'any-member' as const, maxReportAgeSeconds: Number.MAX_SAFE_INTEGER };
  let receipt;
  if (values.proof) {
    const proof = readProof(values.proof);
    const hash = target ? hashArgument(values, target) : proof.reportHash;
    receipt = await ctx.client.verifyReportInBatch(issuer, hash, proof.proof, proof.merkleRoot, policy);
  } else {
    receipt = await ctx.client.verifyReport(issuer, hashArgument(values, target), policy);
  }
  console.log(`${receipt.reportHash}: ${receipt.verdict}${receipt.anchor ? '' : ` (nothing anchored by ${issuer})`}`);
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

await runCli({
  usage: USAGE,
  parse,
  devKey: () => DEV_KEYS.issuerHK,
  run: async (ctx, { positionals: [command, target], values }) => {
    switch (command) {
      case 'anchor':
        return await anchor(ctx, values, target);
      case 'anchor-batch':
        return await anchorBatch(ctx, values, target);
      case 'revoke':
        return await revoke(ctx, values, target);
      case 'revoke-batch':
        return await revokeBatch(ctx, values, target);
      case 'status':
        return await status(ctx, values, target);
      default:
        throw new UsageError(command ? `unknown command "${command}"` : 'a command is required');
    }
  },
});
