/**
 * The Temporal UI of a real `npm run dev` stack, in Debian's chromium: workflow payloads are
 * encrypted, and the UI shows them in clear only in a browser holding an ops session, once the UI
 * is told to send that session's cookie to the API's codec endpoint. Screenshots go to
 * test-artifacts/temporal-ui/.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Browser, type Cookie, type Page, type Response } from 'playwright-core';
import { readDevJwtSecret } from '#api/auth/dev-secret';
import { signDevToken, type DevTokenClaims } from '#api/auth/dev-token';
import {
  captureScreenshot,
  includeCodecCredentials,
  launchBrowser,
  newContext,
  signInForCodec,
} from '#test-support/browser';
import {
  devStackPortsFree,
  startDevStack,
  stopDevStack,
  type DevStackPorts,
  type RunningDevStack,
} from '#test-support/dev-stack';
import { LendbridgeApi } from '#tools/demo/lendbridge-api';

/** In the workflow's (encrypted) input only: seen on the page means decrypted for this browser. */
const REFERENCE = 'pseudonym-UI-7731';
const SESSION_COOKIE = 'lendbridge_session';

const OPS: DevTokenClaims = { sub: 'olivia', roles: ['ops'] };
const REVIEWER: DevTokenClaims = { sub: 'alice', roles: ['reviewer'], jurisdictions: ['HK'], tenants: ['bank-a'] };
const LOAN_SYSTEM: DevTokenClaims = { sub: 'los-bank-a', roles: ['loan-system'], tenant: 'bank-a' };

describe('the Temporal UI of npm run dev', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'lendbridge-temporal-ui-'));
  const namespace = process.env.TEMPORAL_NAMESPACE || 'default';
  let ports: DevStackPorts | undefined;
  let stack: RunningDevStack | undefined;
  let browser: Browser | undefined;
  let workflowId = '';

  const api = (): string => `http://127.0.0.1:${ports!.api}`;
  const uiOrigin = (): string => `http://127.0.0.1:${ports!.temporalUi}`;
  const workflowPage = (): string =>
    `${uiOrigin()}/namespaces/${namespace}/workflows/${encodeURIComponent(workflowId)}`;
  const token = (claims: DevTokenClaims): Promise<string> => signDevToken(readDevJwtSecret(dataDir), claims);

  /** The next answer of the codec endpoint to this page's decode calls. */
  function nextDecode(page: Page): Promise<Response> {
    return page.waitForResponse(
      (response) => response.url().startsWith(`${api()}/codec/decode`) && response.request().method() === 'POST',
    );
  }

  /** Opens (or reloads) the workflow page; resolves with the first decode call's answer, once shown. */
  async function openWorkflow(page: Page, how: 'goto' | 'reload' = 'goto'): Promise<Response> {
    const decoded = nextDecode(page);
    if (how === 'goto') await page.goto(workflowPage());
    else await page.reload();
    const response = await decoded;
    // The Input panel of the workflow page, encrypted or not.
    await page
      .getByText(response.ok() ? REFERENCE : 'Data decoding failed')
      .first()
      .waitFor();
    return response;
  }

  /** The session cookie the browser would send with a codec call (a cookie scoped to /codec). */
  async function sessionCookie(page: Page): Promise<Cookie | undefined> {
    const cookies = await page.context().cookies(`${api()}/codec/decode`);
    return cookies.find((cookie) => cookie.name === SESSION_COOKIE);
  }

  /** Nowhere in the page: neither its text nor its markup (attributes, hidden elements). */
  async function expectReferenceHidden(page: Page): Promise<void> {
    expect(await page.content()).not.toContain(REFERENCE);
    expect(await page.evaluate<string>('document.body.innerText')).not.toContain(REFERENCE);
  }

  beforeAll(async () => {
    stack = await startDevStack(dataDir);
    ports = stack.ports;
    // After the stack is up, so a stack that fails to start leaves no browser behind.
    browser = await launchBrowser();

    const created = await new LendbridgeApi(api(), await token(LOAN_SYSTEM)).createApplication({
      applicationId: `UI-${Date.now()}`,
      loanSystemReference: 'LOS-UI-7731',
      product: 'sme-credit-line',
      requestedLimit: { amount: '120000.00', currency: 'HKD' },
      applicantReference: REFERENCE,
      applicantType: 'person',
      direction: 'southbound',
      reviewJurisdiction: 'HK',
    });
    workflowId = created.workflowId;
    expect(workflowId).toBe(`loan/bank-a/${created.applicationId}`);
  }, 360_000);

  afterAll(async () => {
    await browser?.close();
    if (stack) await stopDevStack(stack);
    if (ports) expect(await devStackPortsFree(ports)).toBe(true);
    rmSync(dataDir, { recursive: true, force: true });
  }, 90_000);

  it('shows the input encrypted to a browser without an ops session', async () => {
    const page = await (await newContext(browser!)).newPage();
    const response = await openWorkflow(page);

    // The UI did ask the API to decrypt, from its own origin, and was refused.
    expect(response.status()).toBe(401);
    const request = await response.request().allHeaders();
    expect(request.origin).toBe(uiOrigin());
    expect(request.cookie).toBeUndefined();
    // What it shows instead: the encrypted payload ("binary/encrypted", base64) and the refusal.
    await page.getByText(Buffer.from('binary/encrypted').toString('base64')).first().waitFor();
    await expectReferenceHidden(page);
    await captureScreenshot(page, join('temporal-ui', 'no-session.png'));
    await page.context().close();
  }, 90_000);

  it('refuses a reviewer a session, so the input stays encrypted even with credentials included', async () => {
    const context = await newContext(browser!);
    const page = await context.newPage();
    const status = await signInForCodec(page, api(), await token(REVIEWER));
    expect(status).toMatch(/^Refused \(403\)/);
    await captureScreenshot(page, join('temporal-ui', 'reviewer-sign-in.png'));
    expect(await sessionCookie(page)).toBeUndefined();

    await openWorkflow(page);
    await includeCodecCredentials(page, `${api()}/codec`);
    const response = await openWorkflow(page, 'reload');
    expect(response.status()).toBe(401);
    await expectReferenceHidden(page);
    await captureScreenshot(page, join('temporal-ui', 'reviewer.png'));
    await context.close();
  }, 90_000);

  it('decrypts the input for an ops session once the UI includes credentials, and not after sign-out', async () => {
    const context = await newContext(browser!);
    const page = await context.newPage();
    expect(await signInForCodec(page, api(), await token(OPS))).toMatch(/^Signed in/);
    expect(await sessionCookie(page)).toMatchObject({ httpOnly: true, path: '/codec', sameSite: 'Lax' });

    // The dev server names the codec endpoint but cannot tell the UI to send cookies with it.
    const settings = (await (await fetch(`${uiOrigin()}/api/v1/settings`)).json()) as {
      Codec?: { Endpoint?: string; IncludeCredentials?: boolean };
    };
    expect(settings.Codec).toMatchObject({ Endpoint: `${api()}/codec`, IncludeCredentials: false });
    const withClusterSetting = await openWorkflow(page);
    expect(withClusterSetting.status()).toBe(401);
    expect((await withClusterSetting.request().allHeaders()).cookie).toBeUndefined();
    await expectReferenceHidden(page);
    await captureScreenshot(page, join('temporal-ui', 'ops-cluster-setting.png'));

    // The Codec Server dialog, as an ops person uses it; the UI keeps the choice in localStorage.
    await includeCodecCredentials(page, `${api()}/codec`);
    expect(
      await page.evaluate<Record<string, string | null>>(
        `({ override: localStorage.getItem('overrideRemoteCodecConfiguration'),
            endpoint: localStorage.getItem('endpoint'),
            includeCredentials: localStorage.getItem('includeCredentials') })`,
      ),
    ).toEqual({ override: 'true', endpoint: JSON.stringify(`${api()}/codec`), includeCredentials: 'true' });

    const decoded = await openWorkflow(page, 'reload');
    expect(decoded.status()).toBe(200);
    const request = await decoded.request().allHeaders();
    expect(request.origin).toBe(uiOrigin());
    expect(request.cookie).toContain(`${SESSION_COOKIE}=`);
    expect(await decoded.headerValue('access-control-allow-origin')).toBe(uiOrigin());
    expect(await decoded.headerValue('access-control-allow-credentials')).toBe('true');
    await expect(page.getByText(REFERENCE).first().isVisible()).resolves.toBe(true);
    await captureScreenshot(page, join('temporal-ui', 'ops-decrypted.png'));

    // Signed out, the same browser with the same UI settings sees the payload encrypted again.
    await page.goto(`${api()}/codec/sign-in`);
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('status').filter({ hasText: 'Signed out.' }).waitFor();
    expect(await sessionCookie(page)).toBeUndefined();
    expect((await openWorkflow(page)).status()).toBe(401);
    await expectReferenceHidden(page);
    await context.close();
  }, 120_000);
});
