/**
 * A real browser for tests and screenshots: Debian's Chromium, driven by playwright-core. Nothing
 * is downloaded (never `npx playwright install`): the executable is the system's.
 */
import { mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';

/** Where Chromium is installed here; CHROMIUM_PATH points elsewhere. */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export const VIEWPORTS = {
  desktop: { width: 1280, height: 800 },
  phone: { width: 390, height: 844 },
} as const;

export type ViewportName = keyof typeof VIEWPORTS;

/** test-artifacts/ at the repository's root (gitignored). */
export const ARTIFACTS_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '../../test-artifacts');

export async function launchBrowser(): Promise<Browser> {
  return await chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
}

/**
 * A fresh browser profile (its own sessionStorage), e.g. one per signed-in reviewer. The pages of
 * the console answer in English; time zone and locale are fixed so screenshots are stable.
 */
export async function newContext(browser: Browser, viewport: ViewportName = 'desktop'): Promise<BrowserContext> {
  return await browser.newContext({
    viewport: VIEWPORTS[viewport],
    locale: 'en-GB',
    timezoneId: 'Asia/Hong_Kong',
  });
}

/**
 * Opens the reviewer console at `apiUrl` and signs in by pasting `token` (a raw JWT, not
 * "Bearer ..."), as a reviewer would; resolves once the inbox shows.
 */
export async function signInToConsole(page: Page, apiUrl: string, token: string, hash = '#/'): Promise<void> {
  await page.goto(`${apiUrl}/console${hash}`);
  await page.getByLabel('Access token').fill(token);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('button', { name: 'Sign out' }).waitFor();
}

/**
 * Writes a PNG of the page at one of the VIEWPORTS (the page is resized first and left so), under
 * test-artifacts/ unless `file` is absolute: for test artifacts and README screenshots alike.
 * `fullPage` captures the whole scrollable page rather than the viewport.
 */
export async function captureScreenshot(
  page: Page,
  file: string,
  options: { viewport?: ViewportName; fullPage?: boolean } = {},
): Promise<string> {
  if (options.viewport) await page.setViewportSize(VIEWPORTS[options.viewport]);
  const path = resolve(ARTIFACTS_DIR, file);
  mkdirSync(dirname(path), { recursive: true });
  // Let layout settle after a resize, and no caret or focus ring flickers into the image.
  await page.evaluate('new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done)))');
  await page.screenshot({ path, fullPage: options.fullPage ?? false, animations: 'disabled', caret: 'hide' });
  return path;
}

/** True when the page scrolls sideways at its current width (what a narrow layout must avoid). */
export async function scrollsHorizontally(page: Page): Promise<boolean> {
  // A string: the project's types are Node's, and this runs in the page.
  return await page.evaluate<boolean>('document.documentElement.scrollWidth > window.innerWidth');
}

export const consoleArtifact = (name: string): string => join('console', `${name}.png`);

/**
 * Signs in at the API's `/codec/sign-in` page by pasting `token`, as an ops person would; resolves
 * with what the page then says ("Signed in: ..." or "Refused (403): ..."). On success the browser
 * context holds the HttpOnly session cookie for `/codec`.
 */
export async function signInForCodec(page: Page, apiUrl: string, token: string): Promise<string> {
  await page.goto(`${apiUrl}/codec/sign-in`);
  await page.getByLabel('Ops token').fill(token);
  await page.getByRole('button', { name: 'Sign in' }).click();
  const status = page.getByRole('status').filter({ hasText: /Signed in|Refused/ });
  await status.waitFor();
  return (await status.textContent()) ?? '';
}

/**
 * Makes the Temporal UI (2.x) send cookies to the codec endpoint, through its Codec Server dialog
 * as a person would: the page must be a Temporal UI page. The UI takes "include cross-origin
 * credentials" from the cluster's setting whenever the cluster names an endpoint, and the dev
 * server (`--ui-codec-endpoint`) can name one but cannot turn credentials on; so the browser's own
 * setting must replace the cluster's, with the same endpoint. The UI keeps the choice in
 * localStorage (`overrideRemoteCodecConfiguration`, `endpoint`, `includeCredentials`) and uses it
 * from the next page load on.
 */
export async function includeCodecCredentials(page: Page, codecEndpoint: string): Promise<void> {
  // The top bar's codec status button: "Codec Server could not connect", "... is configured", etc.
  await page.getByRole('button', { name: /Codec Server/ }).click();
  const dialog = page.getByRole('dialog').filter({ hasText: 'A Codec Server decodes your data' });
  await dialog.getByRole('radio', { name: /Use my browser setting/ }).check();
  await dialog.getByLabel('Codec Server browser endpoint').fill(codecEndpoint);
  // A visually hidden switch under its label: Space toggles it, as from the keyboard.
  const credentials = dialog.getByRole('switch', { name: 'Include cross-origin credentials' });
  if (!(await credentials.isChecked())) await credentials.press('Space');
  if (!(await credentials.isChecked())) {
    throw new Error('the "Include cross-origin credentials" switch did not turn on');
  }
  await dialog.getByRole('button', { name: 'Apply' }).click();
  await dialog.waitFor({ state: 'hidden' });
}
