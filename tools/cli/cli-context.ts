/**
 * What the issuer and admin tools share: where the ledger is, who signs, and how results and
 * errors are printed. Settings come from the same LEDGER_* variables as the apps; on the local
 * stack (chain 31337) the contract addresses default to `npm run dev`'s deployment record and
 * the signer to the matching anvil development account.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadLedgerConfig, type LedgerConfig } from '#config';
import {
  LedgerClient,
  LedgerNonceConflictError,
  LedgerOperatorActionError,
  LedgerRevertError,
  LedgerUnavailableError,
  LedgerWriter,
  loadSigner,
  type WriteOutcome,
} from '#ledger';
import { DEV_CHAIN_ID } from '#stack/anvil';
import { REPO_ROOT, type DeploymentRecord } from '#stack/contracts';
import { devLedgerAddresses } from '#stack/dev-ledger';

/** A mistake in how the tool was called: printed with the usage, exit code 2. */
export class UsageError extends Error {}

export interface CliContext {
  config: LedgerConfig;
  client: LedgerClient;
  /** The signer's writer; resolved lazily because read-only commands need no key. */
  writer(): Promise<LedgerWriter>;
}

export function createContext(devKey: string | undefined): CliContext {
  const env = { ...process.env, ...devDefaults(devKey) };
  const config = loadLedgerConfig(env);
  const client = new LedgerClient(config);
  return {
    config,
    client,
    writer: async () => new LedgerWriter(client, await loadSigner(config.signer, client.provider), config),
  };
}

/** On the local anvil chain only: fill in what `npm run dev` set up, unless set explicitly. */
function devDefaults(devKey: string | undefined): Record<string, string> {
  const env = process.env;
  if (Number(env.LEDGER_CHAIN_ID ?? DEV_CHAIN_ID) !== DEV_CHAIN_ID) return {};
  const defaults: Record<string, string> = {};
  const recordFile = join(env.LENDBRIDGE_DATA_DIR ?? join(REPO_ROOT, '.data'), 'ledger', 'deployment.json');
  if ((!env.LEDGER_REGISTRY_ADDRESS || !env.LEDGER_EVIDENCE_ADDRESS) && existsSync(recordFile)) {
    const { registryAddress, evidenceAddress } = devLedgerAddresses(
      JSON.parse(readFileSync(recordFile, 'utf8')) as DeploymentRecord,
    );
    defaults.LEDGER_REGISTRY_ADDRESS = env.LEDGER_REGISTRY_ADDRESS || registryAddress;
    defaults.LEDGER_EVIDENCE_ADDRESS = env.LEDGER_EVIDENCE_ADDRESS || evidenceAddress;
  }
  if (devKey && !env.LEDGER_SIGNER_KEY && !env.LEDGER_KEYSTORE_FILE) defaults.LEDGER_SIGNER_KEY = devKey;
  return defaults;
}

/**
 * One line per fact, so a person can read it and a script can grep it. `already` says what the
 * chain holds when nothing was sent (the caller knows whose namespace it looked in).
 */
export function printOutcome(what: string, outcome: WriteOutcome, already = 'already on the ledger'): void {
  if (outcome.outcome === 'already-recorded') {
    console.log(`${what}: ${already}, nothing sent`);
    return;
  }
  const { transactionHash, blockNumber, gasUsed } = outcome.transaction;
  console.log(`${what}\n  tx     ${transactionHash}\n  block  ${blockNumber}\n  gas    ${gasUsed}`);
}

/** A command-line tool: its usage, how it reads its arguments, whose key signs on the local stack. */
export interface CliTool<Parsed extends { values: { help?: boolean } }> {
  usage: string;
  /** Parses process.argv; throws on an unknown option or a missing value (reported as a usage error). */
  parse(): Parsed;
  /**
   * The development key that signs on the local stack when no key is configured; undefined for a
   * command only a key of the caller's own may sign.
   */
  devKey(parsed: Parsed): string | undefined;
  run(context: CliContext, parsed: Parsed): Promise<void>;
}

/**
 * Runs one command with a fresh context and closes it after; maps every failure to a clear message
 * and an exit code: 0 for --help, 1 when the ledger refused or could not be reached, 2 when the
 * call was wrong (printed with the usage).
 */
export async function runCli<Parsed extends { values: { help?: boolean } }>(tool: CliTool<Parsed>): Promise<void> {
  let context: CliContext | undefined;
  try {
    const parsed = parseCommandLine(() => tool.parse());
    if (parsed.values.help) {
      console.log(tool.usage);
      return;
    }
    context = createContext(tool.devKey(parsed));
    await tool.run(context, parsed);
  } catch (error) {
    process.exitCode = error instanceof UsageError ? 2 : 1;
    console.error(`error: ${describeFailure(error)}${error instanceof UsageError ? `\n\n${tool.usage}` : ''}`);
  } finally {
    context?.client.close();
  }
}

function describeFailure(error: unknown): string {
  if (error instanceof LedgerRevertError) return `refused by the contract: ${error.hint} (${error.errorName})`;
  if (error instanceof LedgerOperatorActionError) return `operator action needed (${error.reason}): ${error.message}`;
  if (error instanceof LedgerNonceConflictError) return `lost the race for a nonce: ${error.message}`;
  if (error instanceof LedgerUnavailableError) return `RPC unreachable: ${error.message}`;
  return error instanceof Error ? error.message : String(error);
}

/** `parseArgs` failures are the caller's mistake: report them as usage errors. */
function parseCommandLine<T>(parse: () => T): T {
  try {
    return parse();
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
}
