/**
 * `npm run issuer -- <command>`: plays the issuer (a credit reference agency, a bank). Anchors
 * document hashes as one document kind (one by one or as a Merkle batch of one kind, writing each
 * document's proof file), revokes them, shows their status, lists them per kind.
 * Report files are read into memory and hashed; only hashes leave this process. Everything happens
 * in the signing issuer's own namespace on the registry: what another issuer did is never shown as
 * this issuer's.
 */
import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { parseArgs } from 'node:util';
import { isBytes32, isBytes32AnyCase, isDocumentKindName } from '#domain';
import { hashJsonReportBytes, hashReportBytes, isReportHashHex, type ReportHash } from '#hashing';
import { buildReportBatch, LedgerRevertError, type LedgerWriter } from '#ledger';
import { DEV_KEYS } from '#stack/dev-ledger';
import { printOutcome, runCli, UsageError, type CliContext } from './cli-context.js';

const USAGE = `usage: npm run issuer -- <command> [options]

  anchor <report-file> --kind <kind>
                               anchor one document's hash as a document of that kind
  anchor-batch <directory> --kind <kind>
                               anchor every file in a directory as one Merkle batch, all of that
                               kind (a bank's monthly statements, say); writes <file>.proof.json
                               for each document into --out, the kind recorded in it
  revoke <hash|report-file>    revoke a report anchored on its own (--reason required); with
                               --proof, just that report of its batch
  revoke-batch <root|proof>    revoke a whole batch, by its root or one of its proof files
  status <hash|report-file>    show what the ledger says of the report as anchored by --issuer
                               (default: the signer); --proof <file> for a batched report; judged
                               as --kind (default: the kind it was anchored as)
  list                         what --issuer (default: the signer) anchored, per kind; --kind
                               <kind> for one kind only; and the kinds it is trusted for now

options:
  --kind <kind>                a document kind: personal-credit-report, corporate-credit-report,
                               bank-statement, business-registration (or another the consortium
                               uses); the signer must be trusted for it (npm run admin -- grant-kind)
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
  /** The document kind the batch was anchored as (absent in proof files of registry /2). */
  kind?: string;
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
      kind: { type: 'string' },
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

/** --kind, checked; required for the commands that anchor. */
function kindOption(values: Values, required: true): string;
function kindOption(values: Values, required: false): string | undefined;
function kindOption(values: Values, required: boolean): string | undefined {
  const kind = values.kind;
  if (kind === undefined) {
    if (required) throw new UsageError('--kind is required: the document kind, e.g. --kind personal-credit-report');
    return undefined;
  }
  const given: string = kind; // not narrowed by the guard below
  if (!isDocumentKindName(kind)) {
    throw new UsageError(
      `--kind "${given}" is not a document kind name: lowercase words joined by hyphens, e.g. bank-statement`,
    );
  }
  return kind;
}

function issuerOption(values: Values): string | undefined {
  if (values.issuer !== undefined && !/^0x[0-9a-fA-F]{40}$/.test(values.issuer)) {
    throw new UsageError(`--issuer "${values.issuer}" is not an address (0x followed by 40 hex digits)`);
  }
  return values.issuer;
}

function expiry(values: Values): Date {
  const days = Number(values['expires-in-days']);
  if (!Number.isInteger(days) || days < 1)
    throw new UsageError('--expires-in-days must be a whole number of days, 1 or more');
  return new Date(Date.now() + days * 86_400_000);
}

async function anchor(ctx: CliContext, values: Values, file: string | undefined): Promise<void> {
  if (!file) throw new UsageError('anchor needs a report file');
  const kind = kindOption(values, true);
  const report = hashFile(values, file);
  const writer = await ctx.writer();
  const outcome = await writer.anchorReport(kind, report.hash, expiry(values));
  const what = `anchored ${report.hash} (${report.scheme}) from ${basename(file)} as ${kind}`;
  printOutcome(what, outcome, `already anchored by this issuer (${writer.address})`);
}

async function anchorBatch(ctx: CliContext, values: Values, directory: string | undefined): Promise<void> {
  if (!directory) throw new UsageError('anchor-batch needs a directory of report files');
  const kind = kindOption(values, true);
  const files = readdirSync(directory)
    .map((name) => join(directory, name))
    .filter((path) => statSync(path).isFile());
  if (files.length === 0) throw new UsageError(`no files in ${directory}`);
  const reports = files.map((path) => ({ path, ...hashFile(values, path) }));
  const batch = buildReportBatch(reports.map((r) => r.hash));
  const writer = await ctx.writer();
  const outcome = await writer.anchorBatch(kind, batch.merkleRoot, expiry(values), batch.leafCount);
  const out = values.out ?? join(directory, 'proofs');
  mkdirSync(out, { recursive: true });
  for (const report of reports) {
    const proof: ProofFile = {
      reportHash: report.hash,
      scheme: report.scheme,
      kind,
      merkleRoot: batch.merkleRoot,
      proof: batch.proofs.get(report.hash) ?? [],
      chainId: ctx.config.chainId,
      registry: ctx.config.registryAddress,
    };
    writeFileSync(join(out, `${basename(report.path)}.proof.json`), `${JSON.stringify(proof, null, 2)}\n`);
  }
  const what = `anchored batch ${batch.merkleRoot} of ${batch.leafCount} documents as ${kind}; proofs in ${out}`;
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
  const issuer = issuerOption(values) ?? (await ctx.writer()).address;
  const expected = kindOption(values, false);
  // The issuer's view: any current member, no age limit (lenders apply their own policy).
  const policy = { trustedIssuers: 'any-member' as const, maxReportAgeSeconds: Number.MAX_SAFE_INTEGER };
  // Without --kind, judged as the kind it was anchored as (nothing anchored: any kind says so).
  const judgedAs = (record: { kind: string } | undefined): string =>
    expected ?? (record && isDocumentKindName(record.kind) ? record.kind : 'personal-credit-report');
  let receipt;
  if (values.proof) {
    const proof = readProof(values.proof);
    const hash = target ? hashArgument(values, target) : proof.reportHash;
    const kind = judgedAs(await ctx.client.batchOf(issuer, proof.merkleRoot));
    receipt = await ctx.client.verifyReportInBatch(issuer, kind, hash, proof.proof, proof.merkleRoot, policy);
  } else {
    const hash = hashArgument(values, target);
    const kind = judgedAs(await ctx.client.anchorOf(issuer, hash));
    receipt = await ctx.client.verifyReport(issuer, kind, hash, policy);
  }
  console.log(`${receipt.reportHash}: ${receipt.verdict}${receipt.anchor ? '' : ` (nothing anchored by ${issuer})`}`);
  if (receipt.anchor) {
    const a = receipt.anchor;
    console.log(
      `  issuer      ${a.issuerName} (${a.issuerJurisdiction}) ${a.issuer}${a.issuerActive ? '' : ' [no longer a member]'}`,
    );
    console.log(`  kind        ${a.documentKind ?? '(unknown)'}${expected ? `, expected ${expected}` : ''}`);
    console.log(`  anchored    ${a.anchoredAt} in block ${a.blockNumber} (${a.blockHash})`);
    console.log(`  expires     ${a.expiresAt}`);
    if (a.revocationReason) console.log(`  revoked     reason ${a.revocationReason}`);
    if (a.batchRoot) console.log(`  batch root  ${a.batchRoot}`);
    if (receipt.detail) console.log(`  why         ${receipt.detail}`);
  }
  console.log(
    `  ledger      chain ${receipt.chainId}, registry ${receipt.contract}, checked at block ${receipt.checkedAtBlock}`,
  );
}

/** What an issuer anchored, grouped by kind, from the chain's events; and the kinds it holds now. */
async function list(ctx: CliContext, values: Values): Promise<void> {
  const issuer = issuerOption(values) ?? (await ctx.writer()).address;
  const kind = kindOption(values, false);
  const [anchors, trusted] = await Promise.all([ctx.client.anchorsBy(issuer, kind), ctx.client.kindsOf(issuer)]);
  console.log(`trusted now for: ${trusted.length > 0 ? trusted.map((k) => k.name).join(', ') : 'no document kind'}`);
  if (anchors.length === 0) {
    console.log(`nothing anchored by ${issuer}${kind ? ` as ${kind}` : ''}`);
    return;
  }
  const byKind = new Map<string, typeof anchors>();
  for (const a of anchors) byKind.set(a.kind, [...(byKind.get(a.kind) ?? []), a]);
  for (const [name, entries] of [...byKind].sort(([a], [b]) => a.localeCompare(b))) {
    console.log(`${name} (${entries.length})`);
    for (const a of entries) {
      const what = a.type === 'batch' ? `batch  ${a.key} of ${a.leafCount}` : `report ${a.key}`;
      console.log(`  ${what}  block ${a.blockNumber}, expires ${a.expiresAt}`);
    }
  }
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
      case 'list':
        return await list(ctx, values);
      default:
        throw new UsageError(command ? `unknown command "${command}"` : 'a command is required');
    }
  },
});
