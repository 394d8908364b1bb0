/**
 * `npm run screenshots`: the README's pictures, taken in Debian's chromium from the stack
 * `npm run dev` runs once `npm run demo` has filled it. It reads the stack's settings as the demo
 * does (LENDBRIDGE_DATA_DIR, API_PORT, TEMPORAL_UI_PORT, ...) and writes docs/screenshots/*.png.
 * It changes nothing on the stack: the approval dialog is opened and cancelled.
 */
import { mkdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { type Browser, type Page } from 'playwright-core';
import { REPO_ROOT } from '#stack/contracts';
import {
  captureScreenshot,
  includeCodecCredentials,
  launchBrowser,
  newContext,
  signInForCodec,
  signInToConsole,
  type ViewportName,
} from '#test-support/browser';
import { checkHealth, LendbridgeApi } from '../demo/lendbridge-api.js';
import { signPartyTokens, TENANT, type Party } from '../demo/parties.js';
import { locateStack, readStackSettings, StackNotReadyError, type StackSettings } from '../demo/stack-settings.js';
import { findDemoTasks, type DemoTasks } from './demo-tasks.js';

const OUT_DIR = join(REPO_ROOT, 'docs', 'screenshots');

/** The Temporal UI list the README's "the demo's applications" saved query shows. */
const DEMO_QUERY = "WorkflowId STARTS_WITH 'loan/bank-a/DEMO-'";

const step = (message: string): void => console.log(`[screenshots] ${message}`);

interface Session {
  settings: StackSettings;
  tokens: Record<Party, string>;
  tasks: DemoTasks;
  temporalUiUrl: string;
  /** The codec endpoint the dev server gives the UI (its --ui-codec-endpoint). */
  codecEndpoint: string;
  browser: Browser;
}

/** A fresh browser profile at `viewport`: nobody signed in, no UI settings. */
async function freshPage(session: Session, viewport: ViewportName = 'desktop'): Promise<Page> {
  return await (await newContext(session.browser, viewport)).newPage();
}

/** Writes docs/screenshots/<name>.png: the viewport only, so each stays small. */
async function shoot(page: Page, name: string, viewport: ViewportName = 'desktop'): Promise<void> {
  const file = await captureScreenshot(page, join(OUT_DIR, `${name}.png`), { viewport });
  step(`${relative(REPO_ROOT, file)} (${Math.round(statSync(file).size / 1024)} KB)`);
}

const taskHash = (task: { applicationId: string }): string => `#/tasks/${TENANT}/${task.applicationId}`;

async function consoleInbox(session: Session, viewport: ViewportName, name: string): Promise<void> {
  const page = await freshPage(session, viewport);
  await signInToConsole(page, session.settings.apiUrl, session.tokens.alice);
  await page.getByRole('link', { name: session.tasks.fourEyes.applicationId, exact: true }).waitFor();
  await shoot(page, name, viewport);
  await page.context().close();
}

/** bob on the four-eyes task: alice's approval listed, the second one his to give. */
async function fourEyesTask(session: Session): Promise<void> {
  const { fourEyes } = session.tasks;
  const page = await freshPage(session);
  await signInToConsole(page, session.settings.apiUrl, session.tokens.bob, taskHash(fourEyes));
  await page.getByRole('heading', { level: 1, name: `Application ${fourEyes.applicationId}` }).waitFor();
  const review = page.getByRole('region', { name: 'Review' });
  await review.getByText('1 of 2 approvals').first().waitFor();
  await review.scrollIntoViewIfNeeded();
  await shoot(page, 'console-four-eyes-task');
  await page.context().close();
}

/** bob about to approve the task he holds: the confirmation dialog, then Cancel. */
async function approvalDialog(session: Session): Promise<void> {
  const { heldByBob } = session.tasks;
  const page = await freshPage(session);
  await signInToConsole(page, session.settings.apiUrl, session.tokens.bob, taskHash(heldByBob));
  await page.getByRole('heading', { level: 1, name: `Application ${heldByBob.applicationId}` }).waitFor();
  await page.getByLabel('Approve').check();
  await page.getByLabel('Amount').fill(heldByBob.requestedLimit.amount);
  await page.getByLabel('Notes (optional)').fill('income and obligations checked');
  await page.getByRole('button', { name: 'Continue to confirm' }).click();
  const dialog = page.getByRole('dialog', { name: 'Confirm your decision' });
  await dialog.waitFor();
  await shoot(page, 'console-approval-dialog');
  await dialog.getByRole('button', { name: 'Cancel' }).click();
  await dialog.waitFor({ state: 'hidden' });
  await page.context().close();
}

/**
 * The demo's workflows with lendbridge's search attributes as columns, configured as a person would
 * (in this browser profile only); fewer built-in columns, so the table fits 1280 px.
 */
async function temporalWorkflowList(session: Session): Promise<void> {
  const page = await freshPage(session);
  const namespace = session.settings.config.temporal.namespace;
  await page.goto(`${session.temporalUiUrl}/namespaces/${namespace}/workflows?query=${encodeURIComponent(DEMO_QUERY)}`);
  await page.getByRole('link', { name: `loan/${TENANT}/${session.tasks.fourEyes.applicationId}` }).waitFor();
  // The table's settings button has no name but its test id; the drawer's buttons are named.
  await page.getByTestId('workflows-summary-table-configuration-button').click();
  for (const column of ['Run ID', 'Type', 'Start', 'End']) {
    await page.getByRole('button', { name: `Remove ${column} column` }).click();
  }
  for (const column of ['LoanStage', 'ReviewQueue']) {
    await page.getByRole('button', { name: `Add ${column} column` }).click();
  }
  await page.getByRole('button', { name: /^Close .* configuration$/ }).click();
  await page.getByRole('button', { name: 'Collapse saved views' }).click();
  await page.getByRole('columnheader', { name: 'ReviewQueue' }).waitFor();
  await page.getByRole('cell', { name: 'IN_REVIEW' }).first().waitFor();
  await shoot(page, 'temporal-ui-workflows');
  await page.context().close();
}

/** The four-eyes application's workflow, its input decrypted through the API for an ops session. */
async function temporalDecrypted(session: Session): Promise<void> {
  const page = await freshPage(session);
  const status = await signInForCodec(page, session.settings.apiUrl, session.tokens.ops);
  if (!status.startsWith('Signed in')) throw new Error(`the ops sign-in at /codec/sign-in said: ${status}`);
  const namespace = session.settings.config.temporal.namespace;
  const workflowId = `loan/${TENANT}/${session.tasks.fourEyes.applicationId}`;
  await page.goto(`${session.temporalUiUrl}/namespaces/${namespace}/workflows/${encodeURIComponent(workflowId)}`);
  await includeCodecCredentials(page, session.codecEndpoint);
  await page.reload();
  // The key is inside the encrypted payload: shown only once the API has decrypted it.
  await page.getByText('"applicantReference"').first().waitFor();
  await shoot(page, 'temporal-ui-decrypted');
  await page.context().close();
}

async function connect(): Promise<Omit<Session, 'browser'>> {
  const location = locateStack();
  const health = await checkHealth(location.apiUrl);
  if (!health.up) {
    throw new StackNotReadyError(
      `the lendbridge stack is not up: ${health.reason}.\n` +
        'Start it with npm run dev, fill it with npm run demo, then run this with the same settings.',
    );
  }
  const settings = readStackSettings(location);
  const tokens = await signPartyTokens(settings.jwtSecret, settings.config.auth);
  const api = (party: Party): LendbridgeApi => new LendbridgeApi(location.apiUrl, tokens[party]);
  const tasks = await findDemoTasks(api('loanSystem'), api('bob'));
  const temporalUiUrl = settings.config.temporal.uiUrl;
  const uiSettings = (await (await fetch(`${temporalUiUrl}/api/v1/settings`)).json()) as {
    Codec?: { Endpoint?: string };
  };
  const codecEndpoint = uiSettings.Codec?.Endpoint;
  if (!codecEndpoint) throw new StackNotReadyError(`the Temporal UI at ${temporalUiUrl} names no codec endpoint`);
  step(`four eyes: ${tasks.fourEyes.applicationId}; held by bob: ${tasks.heldByBob.applicationId}`);
  return { settings, tokens, tasks, temporalUiUrl, codecEndpoint };
}

async function main(): Promise<void> {
  const stack = await connect();
  mkdirSync(OUT_DIR, { recursive: true });
  const browser = await launchBrowser();
  try {
    const session: Session = { ...stack, browser };
    await consoleInbox(session, 'desktop', 'console-inbox');
    await fourEyesTask(session);
    await approvalDialog(session);
    await consoleInbox(session, 'phone', 'console-inbox-phone');
    await temporalWorkflowList(session);
    await temporalDecrypted(session);
  } finally {
    await browser.close();
  }
}

try {
  await main();
} catch (error) {
  process.exitCode = 1;
  console.error(`screenshots failed: ${error instanceof Error ? error.message : String(error)}`);
}
