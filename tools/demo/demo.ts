/**
 * `npm run demo`: fills the stack `npm run dev` started with fourteen loan applications in every
 * stage, so a newcomer has something to look at in the reviewer console and the Temporal UI. The
 * HK agency anchors the reports on the ledger, bank-a's loan system creates and drives the
 * applications through the API, and reviewers alice, bob and carol act on them. Ids are unique per
 * run, so running it again adds a fresh set.
 */
import { parseArgs } from 'node:util';
import { type Client } from '@temporalio/client';
import { LendbridgeError } from '#client';
import { LedgerUnavailableError } from '#ledger';
import { DEV_KEYS } from '#stack/dev-ledger';
import { CreditAgency } from './credit-agency.js';
import { awaitEscalation, connectTemporal, DEMO_REVIEW_SLA, startWithShortSla } from './escalation.js';
import { ApiUnreachableError, checkHealth, LendbridgeApi } from './lendbridge-api.js';
import { type DemoContext } from './loan-journey.js';
import { signPartyTokens, TENANT, type Party } from './parties.js';
import { journeyFor, runId, SCENARIOS } from './scenarios.js';
import { locateStack, readStackSettings, StackNotReadyError, type StackSettings } from './stack-settings.js';
import { renderSummary, type SummaryRow } from './summary.js';

const USAGE = `usage: npm run demo [-- --quick]

Creates fourteen loan applications on the stack npm run dev runs, in every stage: waiting for
consent or a report, in review (open, four eyes half done, claimed, an unanchored report,
escalated to the senior queue), approved, declined and withdrawn; then prints where to look.

  --quick     do not wait the ${DEMO_REVIEW_SLA} for the escalation (it still happens, later)
  -h, --help  show this help

It reads the stack's settings as npm run dev does: LENDBRIDGE_DATA_DIR (default .data), API_PORT,
TEMPORAL_PORT, TEMPORAL_UI_PORT, ANVIL_PORT, TEMPORAL_NAMESPACE, TEMPORAL_TASK_QUEUE.`;

class UsageError extends Error {}

function parseOptions(argv: string[]): { quick: boolean; help: boolean } {
  try {
    const { values } = parseArgs({
      args: argv,
      allowPositionals: false,
      options: {
        quick: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
    });
    return { quick: values.quick, help: values.help };
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
}

const step = (message: string): void => console.log(`[demo] ${message}`);

/** Everything the demo acts through, once the stack has answered and accepted the demo's tokens. */
interface Stack {
  settings: StackSettings;
  api: Record<Party, LendbridgeApi>;
  agency: CreditAgency;
  bank: CreditAgency;
  temporal: Client;
  close(): Promise<void>;
}

async function connect(): Promise<Stack> {
  const location = locateStack();
  const health = await checkHealth(location.apiUrl);
  if (!health.up) {
    throw new StackNotReadyError(
      `the lendbridge stack is not up: ${health.reason}.\n` +
        'Start it with npm run dev (in another terminal) and wait for "lendbridge is up"; ' +
        'if it runs on other ports, set the same API_PORT, TEMPORAL_PORT, ANVIL_PORT for the demo.',
    );
  }
  const settings = readStackSettings(location);
  const { config } = settings;
  step(
    `stack: API ${location.apiUrl}, Temporal ${config.temporal.address} (namespace ${config.temporal.namespace}, ` +
      `task queue ${config.temporal.taskQueue}), ledger ${config.ledger.rpcUrl}, data ${location.dataDir}`,
  );
  const tokens = await signPartyTokens(settings.jwtSecret, config.auth);
  const api = Object.fromEntries(
    (Object.keys(tokens) as Party[]).map((party) => [party, new LendbridgeApi(location.apiUrl, tokens[party])]),
  ) as Record<Party, LendbridgeApi>;
  // A harmless call first: a stack that refuses these tokens is found before anything is created.
  await api.loanSystem.listApplications({ pageSize: 1 });
  const temporal = await connectTemporal(config);
  const agency = new CreditAgency(config.ledger);
  const bank = new CreditAgency(config.ledger, DEV_KEYS.bankHK);
  const close = async (): Promise<void> => {
    agency.close();
    bank.close();
    await temporal.connection.close();
  };
  try {
    await agency.assertLedgerUp();
  } catch (error) {
    await close();
    throw error;
  }
  return { settings, api, agency, bank, temporal, close };
}

/** Drives every scenario; the escalation first, so its review SLA runs while the others are driven. */
async function runScenarios(stack: Stack, run: string, quick: boolean): Promise<SummaryRow[]> {
  const idWidth = `${run}-00`.length;
  const ctx: DemoContext = {
    run,
    api: stack.api,
    agency: stack.agency,
    bank: stack.bank,
    log: (id, actor, message) => console.log(`${id.padEnd(idWidth)}  ${actor.padEnd(11)}  ${message}`),
  };
  const journeys = SCENARIOS.map((scenario) => ({ scenario, journey: journeyFor(ctx, scenario) }));
  const escalating = journeys.find(({ scenario }) => scenario.escalates);
  if (escalating) {
    const { journey } = escalating;
    await startWithShortSla(stack.temporal, stack.settings.config.temporal.taskQueue, journey);
    ctx.log(journey.id, 'loan system', `created through Temporal with a review SLA of ${DEMO_REVIEW_SLA}`);
    await escalating.scenario.drive(journey);
  }
  for (const { scenario, journey } of journeys) {
    if (scenario !== escalating?.scenario) await scenario.drive(journey);
  }
  if (escalating && !quick) await awaitEscalation(ctx, escalating.journey);
  else if (escalating) step(`--quick: not waiting; ${escalating.journey.id} escalates by itself after the SLA`);

  // What the API says now, not what the demo meant to do.
  const rows: SummaryRow[] = [];
  for (const { scenario, journey } of journeys) {
    const application = await stack.api.loanSystem.getApplication(journey.id);
    if (application.stage !== scenario.stage && !scenario.escalates) {
      throw new Error(`${journey.id} is ${application.stage}, not ${scenario.stage} (see the lines above)`);
    }
    const inReview = application.stage === 'IN_REVIEW';
    rows.push({ application, task: inReview ? await stack.api.carol.getTask(TENANT, journey.id) : undefined });
  }
  return rows;
}

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2));
  if (options.help) {
    console.log(USAGE);
    return;
  }
  const stack = await connect();
  try {
    const run = runId(new Date());
    const { agency, settings } = stack;
    step(`run ${run}: ${SCENARIOS.length} applications of tenant ${TENANT}; issuer ${agency.name} (${agency.address})`);
    const rows = await runScenarios(stack, run, options.quick);
    const summary = renderSummary(rows, {
      apiUrl: settings.apiUrl,
      temporalUiUrl: settings.config.temporal.uiUrl,
      namespace: settings.config.temporal.namespace,
      dataDir: settings.dataDirFromEnv ? settings.dataDir : undefined,
      run,
    });
    console.log(`\n${summary}`);
  } finally {
    await stack.close();
  }
}

try {
  await main();
} catch (error) {
  process.exitCode = error instanceof UsageError ? 2 : 1;
  if (error instanceof UsageError) console.error(`error: ${error.message}\n\n${USAGE}`);
  else if (error instanceof LendbridgeError && error.status === 401) {
    console.error(
      `error: ${error.message}\nThe API refused the demo's token, signed with the secret in ${locateStack().dataDir} ` +
        '(or AUTH_JWT_SECRET): is the stack on this port the one npm run dev started with that data directory?',
    );
  } else if (error instanceof LedgerUnavailableError) {
    console.error(`error: ${error.message}: set ANVIL_PORT as for npm run dev`);
  } else if (
    error instanceof StackNotReadyError ||
    error instanceof LendbridgeError ||
    error instanceof ApiUnreachableError
  ) {
    console.error(`error: ${error.message}`);
  } else console.error(`demo failed: ${error instanceof Error ? error.message : String(error)}`);
}
