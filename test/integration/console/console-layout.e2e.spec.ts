/**
 * The reviewer console on a phone-sized screen and from the keyboard alone, in a real browser on
 * the real stack: no sideways scrolling, the controls that matter in view, Tab reaching them in
 * order, Enter working them, the confirmation dialog keeping and returning focus. Overdue tasks
 * are marked in words. Screenshots at both sizes go to test-artifacts/console/.
 */
import { type Browser, type Locator, type Page } from 'playwright-core';
import { startApiStack, type ApiStack } from '#test-support/api-stack';
import {
  captureScreenshot,
  consoleArtifact,
  launchBrowser,
  newContext,
  scrollsHorizontally,
  signInToConsole,
} from '#test-support/browser';
import { callApi, eventually, prepareTask, rawToken, REVIEWER, stageOf } from './console-fixtures.js';

const isFocused = (target: Locator): Promise<boolean> =>
  target.evaluate((element) => element === element.ownerDocument.activeElement);

/** Presses Tab until `target` has focus; fails if it never does (it is not reachable by keyboard). */
async function tabTo(page: Page, target: Locator, limit = 60): Promise<number> {
  for (let presses = 1; presses <= limit; presses++) {
    await page.keyboard.press('Tab');
    if (await isFocused(target)) return presses;
  }
  throw new Error(`${limit} presses of Tab never reached ${target.toString()}`);
}

/** In the viewport now, not merely somewhere on the page. */
async function inView(target: Locator): Promise<boolean> {
  const box = await target.boundingBox();
  const size = target.page().viewportSize();
  return !!box && !!size && box.x >= 0 && box.y >= 0 && box.x + box.width <= size.width && box.y < size.height;
}

describe('the reviewer console on a narrow screen and from the keyboard', () => {
  let stack: ApiStack;
  let browser: Browser;

  beforeAll(async () => {
    [stack, browser] = await Promise.all([startApiStack(), launchBrowser()]);
    await prepareTask(stack, 'K-1');
    await prepareTask(stack, 'K-2', { amount: '80000.00' });
    await prepareTask(stack, 'K-3', { amount: '80000.00' });
  }, 240_000);

  afterAll(async () => {
    await browser?.close();
    await stack?.stop();
  });

  it('fits 390 px: sign-in, inbox and task page scroll only downwards, key controls in view', async () => {
    const page = await (await newContext(browser, 'phone')).newPage();
    await page.goto(`${stack.url}/console`);
    await page.getByLabel('Access token').waitFor();
    expect(await scrollsHorizontally(page)).toBe(false);
    await captureScreenshot(page, consoleArtifact('sign-in-phone'), { viewport: 'phone' });

    await signInToConsole(page, stack.url, await rawToken(REVIEWER('alice')));
    const link = page.getByRole('link', { name: 'K-1', exact: true });
    await link.waitFor();
    expect(await scrollsHorizontally(page)).toBe(false);
    await expect(inView(page.getByRole('button', { name: 'Sign out' }))).resolves.toBe(true);
    await expect(inView(page.getByLabel('Queue'))).resolves.toBe(true);
    await expect(page.getByRole('button', { name: 'Apply filters' }).isVisible()).resolves.toBe(true);
    await expect(inView(link)).resolves.toBe(true);
    // Each task is a card, each value labelled beside it (the table header is out of sight).
    const card = page.getByRole('row').filter({ has: link });
    await expect(card.textContent()).resolves.toContain('0 of 2 approvals');
    const labels = await card
      .getByRole('cell')
      .evaluateAll((cells) =>
        cells.map((cell) => cell.ownerDocument.defaultView!.getComputedStyle(cell, '::before').content),
      );
    expect(labels).toEqual(['"Queue"', '"SLA due"', '"Claimed by"', '"Approvals"', '"Requested limit"']);
    await captureScreenshot(page, consoleArtifact('inbox-phone'), { viewport: 'phone', fullPage: true });

    await link.click();
    const claim = page.getByRole('button', { name: 'Claim' });
    await claim.waitFor();
    expect(await scrollsHorizontally(page)).toBe(false);
    await expect(inView(claim)).resolves.toBe(true);
    await expect(
      page.getByRole('region', { name: 'Verification' }).getByText('VERIFIED', { exact: true }).isVisible(),
    ).resolves.toBe(true);
    await captureScreenshot(page, consoleArtifact('task-phone'), { viewport: 'phone', fullPage: true });
  });

  it('pages the inbox: "N tasks", the first page, and "Show more tasks" appends the next from the keyboard', async () => {
    const page = await (await newContext(browser, 'phone')).newPage();
    // A task a page, so that the three tasks make three pages: the API pages as it does for 25.
    await page.route(
      (url) => url.pathname === '/v1/review-tasks',
      async (route) => {
        const url = new URL(route.request().url());
        url.searchParams.set('limit', '1');
        await route.continue({ url: url.toString() });
      },
    );
    await signInToConsole(page, stack.url, await rawToken(REVIEWER('alice')));
    const status = page.getByRole('status').filter({ hasText: /^3 tasks/ });
    await status.waitFor();
    await expect(status.textContent()).resolves.toMatch(/^3 tasks · showing the first 1 · updated /);
    const links = () => page.getByRole('table').getByRole('link').allTextContents();
    await expect(links()).resolves.toEqual(['K-1']);

    // Tab reaches the button, Enter loads the next page under the first, and focus moves to it.
    const more = page.getByRole('button', { name: 'Show more tasks' });
    await tabTo(page, more);
    await page.keyboard.press('Enter');
    const second = page.getByRole('link', { name: 'K-2', exact: true });
    await second.waitFor();
    await expect(isFocused(second)).resolves.toBe(true);
    await expect(links()).resolves.toEqual(['K-1', 'K-2']);
    await expect(status.textContent()).resolves.toMatch(/^3 tasks · showing the first 2 · /);
    expect(await scrollsHorizontally(page)).toBe(false);
    await captureScreenshot(page, consoleArtifact('inbox-show-more-phone'), { viewport: 'phone', fullPage: true });

    await tabTo(page, more);
    await page.keyboard.press('Enter');
    await page.getByRole('link', { name: 'K-3', exact: true }).waitFor();
    await expect(links()).resolves.toEqual(['K-1', 'K-2', 'K-3']);
    // The last page: no more to show, and the count says so.
    await more.waitFor({ state: 'detached' });
    await expect(status.textContent()).resolves.toMatch(/^3 tasks · updated /);
    await captureScreenshot(page, consoleArtifact('inbox-paged-phone'), { viewport: 'phone', fullPage: true });
  });

  it('works from the keyboard: Tab reaches Claim, Enter claims, and the decision is confirmed in a dialog', async () => {
    const page = await (await newContext(browser, 'phone')).newPage();
    await signInToConsole(page, stack.url, await rawToken(REVIEWER('bob')));
    await page.getByRole('link', { name: 'K-1', exact: true }).waitFor();

    // From the inbox to the task, by keyboard.
    await tabTo(page, page.getByRole('link', { name: 'K-1', exact: true }));
    await page.keyboard.press('Enter');
    const heading = page.getByRole('heading', { level: 1, name: 'Application K-1' });
    const claim = page.getByRole('button', { name: 'Claim' });
    await claim.waitFor();
    // A new page: focus starts at its heading, as after a page load.
    await expect(isFocused(heading)).resolves.toBe(true);

    const presses = await tabTo(page, claim);
    expect(presses).toBeLessThan(10);
    await expect(claim.evaluate((element) => element.matches(':focus-visible'))).resolves.toBe(true);
    await page.keyboard.press('Enter');
    const claimed = page.getByRole('status').filter({ hasText: 'You hold this task now' });
    await claimed.waitFor();
    await expect(isFocused(claimed)).resolves.toBe(true);

    // Approve is preselected for a verified report; type the limit and go on to confirm.
    await expect(page.getByLabel('Approve').isChecked()).resolves.toBe(true);
    await tabTo(page, page.getByLabel('Amount'));
    await page.keyboard.type('400000.00');
    const proceed = page.getByRole('button', { name: 'Continue to confirm' });
    await tabTo(page, proceed);
    await page.keyboard.press('Enter');
    const dialog = page.getByRole('dialog', { name: 'Confirm your decision' });
    await dialog.waitFor();
    await expect(isFocused(dialog.getByRole('button', { name: 'Cancel' }))).resolves.toBe(true);
    expect(await scrollsHorizontally(page)).toBe(false);
    await captureScreenshot(page, consoleArtifact('confirm-phone'), { viewport: 'phone' });

    // Escape cancels and hands focus back; nothing was decided.
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });
    await expect(isFocused(proceed)).resolves.toBe(true);
    const before = await callApi<{ review: { decisions: unknown[] } }>(
      stack,
      REVIEWER('alice'),
      'GET',
      '/v1/review-tasks/bank-a/K-1',
    );
    expect(before.review.decisions).toEqual([]);

    await page.keyboard.press('Enter');
    await dialog.waitFor();
    // The dialog is modal: Tab stays inside it.
    await page.keyboard.press('Tab');
    await expect(isFocused(dialog.getByRole('button', { name: 'Confirm approval' }))).resolves.toBe(true);
    await page.keyboard.press('Enter');
    await page.getByRole('status').filter({ hasText: 'Your approval is recorded.' }).waitFor();
    const after = await callApi<{ review: { decisions: { reviewer: string; outcome: unknown }[] } }>(
      stack,
      REVIEWER('alice'),
      'GET',
      '/v1/review-tasks/bank-a/K-1',
    );
    expect(after.review.decisions).toEqual([
      expect.objectContaining({
        reviewer: 'bob',
        outcome: { kind: 'approve', recommendedLimit: { amount: '400000.00', currency: 'HKD' } },
      }),
    ]);
    expect(await scrollsHorizontally(page)).toBe(false);
  });

  it('declines with chosen and typed reason codes, refusing malformed ones before sending', async () => {
    const page = await (await newContext(browser)).newPage();
    await signInToConsole(page, stack.url, await rawToken(REVIEWER('alice')), '#/tasks/bank-a/K-2');
    await page.getByRole('heading', { level: 1, name: 'Application K-2' }).waitFor();
    await expect(page.getByRole('region', { name: 'Review' }).textContent()).resolves.toContain('0 of 1 approval');
    await page.getByRole('button', { name: 'Claim' }).click();
    await page.getByLabel('Decline').check();
    await expect(page.getByLabel('Amount').isVisible()).resolves.toBe(false);
    await page.getByLabel(/Insufficient income/).check();
    await page.getByLabel('Other reason codes').fill('thin-file, Not_A_Code');
    await page.getByRole('button', { name: 'Continue to confirm' }).click();
    await page.getByRole('alert').filter({ hasText: 'not codes: Not_A_Code' }).waitFor();
    await expect(page.getByRole('dialog').count()).resolves.toBe(0);

    await page.getByLabel('Other reason codes').fill('thin-file');
    await page.getByRole('button', { name: 'Continue to confirm' }).click();
    const dialog = page.getByRole('dialog', { name: 'Confirm your decision' });
    await expect(dialog.textContent()).resolves.toContain('insufficient-income, thin-file');
    await dialog.getByRole('button', { name: 'Confirm decline' }).click();
    await page.getByRole('status').filter({ hasText: 'Your decline is recorded.' }).waitFor();
    const task = await callApi<{ review: { decisions: { outcome: unknown }[] } }>(
      stack,
      REVIEWER('bob'),
      'GET',
      '/v1/review-tasks/bank-a/K-2',
    );
    expect(task.review.decisions.map((d) => d.outcome)).toEqual([
      { kind: 'decline', reasonCodes: ['insufficient-income', 'thin-file'] },
    ]);
  });

  it('releases a claimed task, and asks for a new report', async () => {
    const page = await (await newContext(browser)).newPage();
    await signInToConsole(page, stack.url, await rawToken(REVIEWER('alice')), '#/tasks/bank-a/K-3');
    const review = page.getByRole('region', { name: 'Review' });
    await review.getByRole('button', { name: 'Claim' }).click();
    await review.getByRole('button', { name: 'Release' }).click();
    await review.getByRole('status').filter({ hasText: 'You released the task' }).waitFor();
    await expect(review.textContent()).resolves.toContain('Unclaimed');
    await expect(page.getByRole('form', { name: 'Your decision' }).count()).resolves.toBe(0);

    await review.getByRole('button', { name: 'Claim' }).click();
    await page.getByLabel('Request a new report').check();
    await page.getByLabel('Notes (optional)').fill('the report is older than the applicant says');
    await page.getByRole('button', { name: 'Continue to confirm' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Confirm request' }).click();
    await review.getByRole('status').filter({ hasText: 'Your request for a new report is recorded.' }).waitFor();
    await eventually(
      () => stageOf(stack, 'K-3'),
      (stage) => stage === 'AWAITING_REPORT',
      'a new report round',
    );
  });

  it('marks an overdue task in words, not colour alone', async () => {
    const page = await (await newContext(browser)).newPage();
    // The stack's SLA is 48 hours: the API's answers are aged here, in the browser, instead.
    const past = new Date(Date.now() - 3 * 3_600_000).toISOString();
    await page.route(`${stack.url}/v1/review-tasks**`, async (route) => {
      const response = await route.fetch();
      const body = await response.json();
      for (const item of body.items ?? []) Object.assign(item, { overdue: true, reviewDueAt: past });
      if (body.review) Object.assign(body.review, { overdue: true, dueAt: past });
      await route.fulfill({ response, json: body });
    });
    await signInToConsole(page, stack.url, await rawToken(REVIEWER('carol')));
    const row = page.getByRole('row').filter({ has: page.getByRole('link', { name: 'K-1', exact: true }) });
    await row.waitFor();
    await expect(row.getByText('Overdue', { exact: true }).isVisible()).resolves.toBe(true);
    await expect(row.textContent()).resolves.toMatch(/3 h ago/);
    await page.getByLabel('Show').selectOption('overdue');
    await page.getByRole('button', { name: 'Apply filters' }).click();
    await row.waitFor();
    await captureScreenshot(page, consoleArtifact('inbox-overdue-desktop'), { viewport: 'desktop' });
    await row.getByRole('link', { name: 'K-1', exact: true }).click();
    await page.getByRole('region', { name: 'Review' }).getByText('Overdue', { exact: true }).waitFor();
  });
});
