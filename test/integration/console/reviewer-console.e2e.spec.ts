/**
 * The reviewer console in a real browser (Debian's Chromium through playwright-core) against the
 * real stack: the API serving the console, the worker, Temporal's dev server and anvil. Reviewers
 * sign in by pasting a token, work the inbox and the task page, and meet the workflow's refusals
 * in the API's own words. Elements are found by role and label, which also proves their labels.
 */
import { type Browser, type BrowserContext, type Page, type Request as BrowserRequest } from 'playwright-core';
import { CONSOLE_CSP } from '#api/console/console.controller';
import { startApiStack, type ApiStack } from '#test-support/api-stack';
import { captureScreenshot, consoleArtifact, launchBrowser, newContext, signInToConsole } from '#test-support/browser';
import {
  callApi,
  eventually,
  LOAN_SYSTEM,
  prepareCompanyTask,
  prepareTask,
  rawToken,
  resubmitOwnerReport,
  REVIEWER,
  stageOf,
} from './console-fixtures.js';

const MARY_LOAN_OFFICER = { sub: 'mary', roles: ['loan-system'], tenant: 'bank-a' } as const;

describe('the reviewer console, in a browser, on the real stack', () => {
  let stack: ApiStack;
  let browser: Browser;
  const contexts: BrowserContext[] = [];
  /** Every request any page made, and every CSP violation or script error it reported. */
  const requests: string[] = [];
  const pageErrors: string[] = [];

  beforeAll(async () => {
    [stack, browser] = await Promise.all([startApiStack(), launchBrowser()]);
    // Above the four-eyes threshold (500,000.00 HKD): two approvers are needed.
    await prepareTask(stack, 'C-1');
    // Created by a loan officer whose user id is also a reviewer's: maker-checker must bite.
    await prepareTask(stack, 'C-MARY', { submitter: MARY_LOAN_OFFICER });
    // Below the four-eyes threshold: one approver, for the reviewer whose subject has capitals.
    await prepareTask(stack, 'C-CASE', { amount: '100000.00' });
    // A company on its document set: eight documents from three issuers' anchors.
    await prepareCompanyTask(stack, 'C-SME');
  }, 240_000);

  afterAll(async () => {
    await browser?.close();
    await stack?.stop();
  });

  async function pageAs(sub: string): Promise<Page> {
    const context = await newContext(browser);
    contexts.push(context);
    const page = await context.newPage();
    page.on('request', (request: BrowserRequest) => requests.push(request.url()));
    page.on('pageerror', (error) => pageErrors.push(error.message));
    page.on('console', (message) => {
      if (message.type() === 'error') pageErrors.push(message.text());
    });
    await signInToConsole(page, stack.url, await rawToken(REVIEWER(sub)));
    return page;
  }

  const inboxRow = (page: Page, applicationId: string) =>
    page.getByRole('row').filter({ has: page.getByRole('link', { name: applicationId, exact: true }) });

  it('serves the page, its script and its style from the API with a strict CSP', async () => {
    for (const [path, type] of [
      ['/console', 'text/html'],
      ['/console/', 'text/html'],
      ['/console/console.js', 'text/javascript'],
      ['/console/console.css', 'text/css'],
    ] as const) {
      const response = await fetch(`${stack.url}${path}`);
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toContain(type);
      expect(response.headers.get('content-security-policy')).toBe(CONSOLE_CSP);
      expect(response.headers.get('x-content-type-options')).toBe('nosniff');
      const text = await response.text();
      // Nothing from the internet: no absolute URLs to load anything from.
      expect(text).not.toMatch(/(src|href)=["']?https?:/i);
      expect(text).not.toMatch(/@import|url\(\s*['"]?https?:/i);
    }
    expect(CONSOLE_CSP).toBe(
      "default-src 'self'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self' data:; " +
        "frame-ancestors 'none'; base-uri 'none'; form-action 'self'",
    );
    const html = await (await fetch(`${stack.url}/console`)).text();
    expect(html).toContain('src="/console/console.js"');
    expect(html).toContain('content="/v1"');
    // Only the three files; anything else is a problem document, and the page needs no token.
    const missing = await fetch(`${stack.url}/console/secrets.json`);
    expect(missing.status).toBe(404);
    expect(missing.headers.get('content-type')).toContain('application/problem+json');
    expect((await fetch(`${stack.url}/v1/console`)).status).toBe(404);
  });

  it('refuses what is not a reviewer token at sign-in, in words', async () => {
    const context = await newContext(browser);
    contexts.push(context);
    const page = await context.newPage();
    await page.goto(`${stack.url}/console`);
    await page.getByRole('heading', { level: 1, name: 'Sign in' }).waitFor();

    await page.getByLabel('Access token').fill('not a token');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('alert').filter({ hasText: 'That token cannot be read' }).waitFor();

    await page.getByLabel('Access token').fill(await rawToken(LOAN_SYSTEM));
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('alert').filter({ hasText: 'That token has no reviewer role (roles: loan-system)' }).waitFor();

    // Well-formed, but signed with another key: the API's refusal is shown.
    const [header, payload] = (await rawToken(REVIEWER('alice'))).split('.');
    await page.getByLabel('Access token').fill(`${header}.${payload}.${'A'.repeat(43)}`);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('alert').filter({ hasText: 'The API refused the token: invalid bearer token' }).waitFor();
    expect(await page.evaluate('sessionStorage.length')).toBe(0);
  });

  it('alice sees the task at 0 of 2 approvals, reads the VERIFIED receipt, claims and approves after confirming', async () => {
    const page = await pageAs('alice');
    const header = page.getByRole('banner');
    await expect(header.getByText('alice', { exact: true }).textContent()).resolves.toBe('alice');
    await expect(header.getByText('reviewer', { exact: true }).isVisible()).resolves.toBe(true);
    await expect(header.getByText('HK', { exact: true }).isVisible()).resolves.toBe(true);

    const row = inboxRow(page, 'C-1');
    await row.waitFor();
    await expect(row.textContent()).resolves.toMatch(/0 of 2 approvals/);
    await expect(row.textContent()).resolves.toMatch(/Unclaimed/);
    await expect(row.textContent()).resolves.toMatch(/600,000\.00 HKD/);
    await expect(row.textContent()).resolves.toMatch(/HK-standard/);
    await expect(inboxRow(page, 'C-MARY').count()).resolves.toBe(1);
    await captureScreenshot(page, consoleArtifact('inbox-desktop'), { viewport: 'desktop' });

    // The queue filter narrows the inbox; the senior queue is not one of alice's.
    const queues = await page.getByLabel('Queue').locator('option').allTextContents();
    expect(queues).toEqual(['All my queues', 'HK-standard']);
    await page.getByLabel('Show').selectOption('mine');
    await page.getByRole('button', { name: 'Apply filters' }).click();
    await page.getByText('No tasks match these filters.').waitFor();
    await page.getByLabel('Show').selectOption('');
    await page.getByRole('button', { name: 'Apply filters' }).click();

    await inboxRow(page, 'C-1').getByRole('link', { name: 'C-1', exact: true }).click();
    await page.getByRole('heading', { level: 1, name: 'Application C-1' }).waitFor();
    expect(page.url()).toMatch(/\/console#\/tasks\/bank-a\/C-1$/);
    // The application's particulars under the heading, the applicant's type among them.
    await expect(page.locator('p.lede').textContent()).resolves.toBe(
      'bank-a · person · sme-credit-line · 600,000.00 HKD requested · southbound · HK',
    );

    const verification = page.getByRole('region', { name: 'Verification' });
    await verification.getByText('VERIFIED', { exact: true }).waitFor();
    const receipt = (await verification.textContent()) ?? '';
    expect(receipt).toContain('Chain id31337');
    expect(receipt).toContain(stack.ledger.registryAddress);
    expect(receipt).toMatch(/Block number\d+/);
    expect(receipt).toContain('Demo Credit Reference Agency (HK)');
    expect(receipt).toContain('Anchored at');
    // The receipt is plain text: nothing in it links anywhere.
    await expect(verification.getByRole('link').count()).resolves.toBe(0);
    await expect(page.getByRole('region', { name: 'Consent' }).textContent()).resolves.toContain('credit-assessment');
    await expect(page.getByRole('region', { name: 'Decision fields' }).textContent()).resolves.toContain('702');
    await expect(page.getByRole('region', { name: 'Timeline' }).getByRole('listitem').count()).resolves.toBeGreaterThan(
      2,
    );
    const temporal = page.getByRole('link', { name: /Open the workflow in the Temporal UI/ });
    await expect(temporal.getAttribute('href')).resolves.toBe(
      `${stack.config.temporal.uiUrl}/namespaces/default/workflows/${encodeURIComponent('loan/bank-a/C-1')}`,
    );
    const review = page.getByRole('region', { name: 'Review' });
    await expect(review.textContent()).resolves.toContain('0 of 2 approvals');
    await captureScreenshot(page, consoleArtifact('task-desktop'), { viewport: 'desktop', fullPage: true });

    await review.getByRole('button', { name: 'Claim' }).click();
    await review.getByRole('status').filter({ hasText: 'You hold this task now' }).waitFor();
    await expect(review.textContent()).resolves.toContain('alice (you)');

    await page.getByLabel('Approve').check();
    await expect(page.getByLabel('Currency').inputValue()).resolves.toBe('HKD');
    // Checked before anything is sent: an amount that is not one.
    await page.getByLabel('Amount').fill('lots');
    await page.getByRole('button', { name: 'Continue to confirm' }).click();
    await page.getByRole('alert').filter({ hasText: 'Amount: a positive decimal' }).waitFor();
    await expect(page.getByLabel('Amount').getAttribute('aria-invalid')).resolves.toBe('true');

    await page.getByLabel('Amount').fill('550000.00');
    await page.getByLabel('Notes (optional)').fill('income checked against payslips');
    await page.getByRole('button', { name: 'Continue to confirm' }).click();
    const dialog = page.getByRole('dialog', { name: 'Confirm your decision' });
    await dialog.waitFor();
    await expect(dialog.textContent()).resolves.toContain('550,000.00 HKD');
    // Cancel first: nothing is sent, and focus returns to the button that opened the dialog.
    await expect(
      dialog.getByRole('button', { name: 'Cancel' }).evaluate((b) => b === b.ownerDocument.activeElement),
    ).resolves.toBe(true);
    await captureScreenshot(page, consoleArtifact('confirm-desktop'), { viewport: 'desktop' });
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await dialog.waitFor({ state: 'detached' });
    await expect(
      page.getByRole('button', { name: 'Continue to confirm' }).evaluate((b) => b === b.ownerDocument.activeElement),
    ).resolves.toBe(true);
    expect(
      (
        await callApi<{ review: { decisions: unknown[] } }>(
          stack,
          REVIEWER('bob'),
          'GET',
          '/v1/review-tasks/bank-a/C-1',
        )
      ).review.decisions,
    ).toEqual([]);

    await page.getByRole('button', { name: 'Continue to confirm' }).click();
    await dialog.getByRole('button', { name: 'Confirm approval' }).click();
    await review.getByRole('status').filter({ hasText: 'Your approval is recorded.' }).waitFor();
    await expect(review.textContent()).resolves.toContain('1 of 2 approvals');
    await expect(review.textContent()).resolves.toContain('Approved, recommending 550,000.00 HKD');

    const task = await callApi<{ review: { decisions: { reviewer: string; outcome: unknown }[] } }>(
      stack,
      REVIEWER('bob'),
      'GET',
      '/v1/review-tasks/bank-a/C-1',
    );
    expect(task.review.decisions).toEqual([
      expect.objectContaining({
        reviewer: 'alice',
        outcome: {
          kind: 'approve',
          recommendedLimit: { amount: '550000.00', currency: 'HKD' },
          notes: 'income checked against payslips',
        },
      }),
    ]);
  });

  it("shows a company's document set: every document's verdict, issuer and fields, and the consent per document", async () => {
    const page = await pageAs('alice');
    await page.goto(`${stack.url}/console#/tasks/bank-a/C-SME`);
    await page.getByRole('heading', { level: 1, name: 'Application C-SME' }).waitFor();
    await expect(page.locator('p.lede').textContent()).resolves.toBe(
      'bank-a · company · sme-credit-line · 300,000.00 HKD requested · southbound · HK',
    );
    const documents = page.getByRole('region', { name: 'Documents' });
    await documents.getByText('8 of 8 verified on the ledger.').waitFor();
    const statement = documents
      .getByRole('listitem')
      .filter({ hasText: /^bank-statement\/\d{4}-\d{2}/ })
      .first();
    const text = (await statement.textContent()) ?? '';
    expect(text).toContain('verified');
    expect(text).toContain('Demo Bank (HK)');
    expect(text).toContain('Merkle batch root');
    expect(text).toContain('totalInflows80,000.00 HKD');
    const owner = documents.getByRole('listitem').filter({ hasText: /^owner-credit-report/ });
    await expect(owner.textContent()).resolves.toContain('the principal owner’s');
    // No single-report sections for a set.
    await expect(page.getByRole('region', { name: 'Verification' }).count()).resolves.toBe(0);
    const consent = (await page.getByRole('region', { name: 'Consent' }).textContent()) ?? '';
    expect(consent).toContain('bank-statement: bank-statement from');
    expect(consent).toContain('owner-credit-report: credit-report from');
    await captureScreenshot(page, consoleArtifact('task-document-set'), { viewport: 'desktop' });
  });

  it('alice asks for a new version of the owner report alone, then approves the set once it is verified again', async () => {
    const page = await pageAs('alice');
    await page.goto(`${stack.url}/console#/tasks/bank-a/C-SME`);
    const review = page.getByRole('region', { name: 'Review' });
    await review.getByRole('button', { name: 'Claim' }).click();
    await review.getByRole('status').filter({ hasText: 'You hold this task now' }).waitFor();
    // A set offers a new version of one document, not a new report.
    await expect(page.getByLabel('Request a new report').count()).resolves.toBe(0);
    await page.getByLabel('Request a new version of one document').check();
    await page.getByLabel('Document', { exact: true }).selectOption('owner-credit-report');
    await page.getByRole('button', { name: 'Continue to confirm' }).click();
    await page.getByRole('alert').filter({ hasText: 'Why: say what is wrong with this version' }).waitFor();
    await page.getByLabel('Why (shown to the loan system)').fill('the report is for another person');
    await page.getByRole('button', { name: 'Continue to confirm' }).click();
    const dialog = page.getByRole('dialog', { name: 'Confirm your decision' });
    await expect(dialog.textContent()).resolves.toContain('owner-credit-report');
    await dialog.getByRole('button', { name: 'Confirm request' }).click();
    await review
      .getByRole('status')
      .filter({ hasText: 'Your request for a new version is recorded. The application is AWAITING_REPORT.' })
      .waitFor();
    const waiting = await callApi<{ documents: { key: string; status: string; newVersionRequested?: object }[] }>(
      stack,
      LOAN_SYSTEM,
      'GET',
      '/v1/applications/C-SME/documents',
    );
    expect(waiting.documents.filter((d) => d.status !== 'VERIFIED').map((d) => d.key)).toEqual(['owner-credit-report']);
    expect(waiting.documents.find((d) => d.key === 'owner-credit-report')?.newVersionRequested).toMatchObject({
      reason: 'the report is for another person',
    });

    await resubmitOwnerReport(stack, 'C-SME');
    await eventually(
      () => stageOf(stack, 'C-SME'),
      (stage) => stage === 'IN_REVIEW',
      'C-SME back in review',
    );
    await page.reload();
    await review.getByRole('button', { name: 'Claim' }).click();
    await review.getByRole('status').filter({ hasText: 'You hold this task now' }).waitFor();
    await page.getByLabel('Approve').check();
    await page.getByLabel('Amount').fill('300000.00');
    await page.getByRole('button', { name: 'Continue to confirm' }).click();
    await dialog.getByRole('button', { name: 'Confirm approval' }).click();
    await review.getByRole('status').filter({ hasText: 'Your approval is recorded.' }).waitFor();
    const decided = await eventually(
      () =>
        callApi<{ stage: string; decision?: { limit: object } }>(stack, LOAN_SYSTEM, 'GET', '/v1/applications/C-SME'),
      (application) => application.stage === 'APPROVED',
      'C-SME approved',
    );
    // Average monthly inflows of HKD 80,000: the line is capped at three times that.
    expect(decided.decision?.limit).toEqual({ amount: '240000.00', currency: 'HKD' });
  });

  it("alice cannot be the second approver: the workflow's refusal is shown", async () => {
    const page = await pageAs('alice');
    await page.goto(`${stack.url}/console#/tasks/bank-a/C-1`);
    const review = page.getByRole('region', { name: 'Review' });
    await review.getByRole('button', { name: 'Claim' }).click();
    const alert = review.getByRole('alert');
    await alert.waitFor();
    await expect(alert.textContent()).resolves.toContain(
      'you approved this application already: a second approver is required',
    );
    await expect(alert.textContent()).resolves.toContain('(403)');
    // Focus moves to the refusal, so a screen reader reads it and the keyboard continues from it.
    await expect(alert.evaluate((el) => el === el.ownerDocument.activeElement)).resolves.toBe(true);
    await captureScreenshot(page, consoleArtifact('refused-second-approval-desktop'), { viewport: 'desktop' });
  });

  it('bob sees 1 of 2, claims and approves: the application is APPROVED', async () => {
    const page = await pageAs('bob');
    const row = inboxRow(page, 'C-1');
    await row.waitFor();
    await expect(row.textContent()).resolves.toMatch(/1 of 2 approvals/);
    await row.getByRole('link', { name: 'C-1', exact: true }).click();

    const review = page.getByRole('region', { name: 'Review' });
    await review.getByRole('button', { name: 'Claim' }).click();
    await review.getByRole('status').filter({ hasText: 'You hold this task now' }).waitFor();
    await page.getByLabel('Approve').check();
    await page.getByLabel('Amount').fill('500000.00');
    await page.getByRole('button', { name: 'Continue to confirm' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Confirm approval' }).click();
    await review.getByRole('status').filter({ hasText: 'Your approval is recorded.' }).waitFor();

    await eventually(
      () => stageOf(stack, 'C-1'),
      (stage) => stage === 'APPROVED',
      'the decision',
    );
    const decided = await callApi<{ decision: unknown }>(stack, LOAN_SYSTEM, 'GET', '/v1/applications/C-1');
    expect(decided.decision).toMatchObject({ outcome: 'APPROVED', limit: { amount: '450000.00', currency: 'HKD' } });

    // The task page shows the outcome, and offers no more actions.
    await page.reload();
    const decision = page.getByRole('region', { name: 'Decision', exact: true });
    await decision.waitFor();
    await expect(decision.textContent()).resolves.toContain('450,000.00 HKD');
    await expect(
      page.getByRole('region', { name: 'Review' }).getByRole('button', { name: 'Claim' }).count(),
    ).resolves.toBe(0);
    // ... and it has left the inbox.
    await page.getByRole('link', { name: '← Inbox' }).click();
    await inboxRow(page, 'C-MARY').waitFor();
    await expect(inboxRow(page, 'C-1').count()).resolves.toBe(0);
  });

  it('mary, who submitted the application, may not review it: the page says so', async () => {
    const page = await pageAs('mary');
    await inboxRow(page, 'C-MARY').getByRole('link', { name: 'C-MARY', exact: true }).click();
    const review = page.getByRole('region', { name: 'Review' });
    await expect(review.textContent()).resolves.toContain('Submitted bymary');
    await review.getByRole('button', { name: 'Claim' }).click();
    const alert = review.getByRole('alert');
    await alert.waitFor();
    await expect(alert.textContent()).resolves.toContain(
      'you submitted this application: another person must review it',
    );
    await captureScreenshot(page, consoleArtifact('refused-maker-checker-desktop'), { viewport: 'desktop' });
    expect(await stageOf(stack, 'C-MARY', MARY_LOAN_OFFICER)).toBe('IN_REVIEW');
  });

  it('knows a reviewer by the identity the API compares, not the raw token subject', async () => {
    const page = await pageAs('Dora.Wong');
    await expect(page.getByTestId('signed-in-subject').textContent()).resolves.toBe('dora.wong');
    await inboxRow(page, 'C-CASE').getByRole('link', { name: 'C-CASE', exact: true }).click();
    const review = page.getByRole('region', { name: 'Review' });
    await review.getByRole('button', { name: 'Claim' }).click();
    await review.getByRole('status').filter({ hasText: 'You hold this task now' }).waitFor();
    // She holds it, so the console offers what a holder may do: release, and the decision.
    await review.getByRole('button', { name: 'Release' }).waitFor();
    await page.getByLabel('Decline').check();
    await expect(page.getByLabel('Approve').isEnabled()).resolves.toBe(true);
  });

  it('signs out: the token is forgotten and the data is gone from the page', async () => {
    const page = await pageAs('bob');
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('heading', { level: 1, name: 'Sign in' }).waitFor();
    await page.getByText('You are signed out.').waitFor();
    expect(await page.evaluate('sessionStorage.length')).toBe(0);
    await expect(page.getByRole('link', { name: 'C-MARY' }).count()).resolves.toBe(0);
  });

  it('loaded nothing from anywhere but the API, and broke no CSP rule', () => {
    expect(requests.length).toBeGreaterThan(10);
    expect(requests.filter((url) => !url.startsWith(`${stack.url}/`))).toEqual([]);
    expect(pageErrors.filter((message) => !/status of 40[34]/.test(message))).toEqual([]);
  });
});
