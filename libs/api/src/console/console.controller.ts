/**
 * The reviewer console: a page, a style sheet and a handful of ES modules, served at /console
 * beside the API. The page holds no data: the browser keeps the reviewer's token and calls the
 * reviewer endpoints with it (Authorization: Bearer), so serving these files needs no
 * authentication.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Controller, Get, Inject, NotFoundException, Param, Req, Res } from '@nestjs/common';
import { ApplicationConfig } from '@nestjs/core';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { Public } from '../auth/decorators.js';
import { LendbridgeEndpoint } from '../lendbridge-endpoint.decorator.js';

/** Nothing from anywhere but this origin; no inline script or style; never framed. */
export const CONSOLE_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "connect-src 'self'",
  "img-src 'self' data:",
  "frame-ancestors 'none'",
  "base-uri 'none'",
  "form-action 'self'",
].join('; ');

const HEADERS: Record<string, string> = {
  'Content-Security-Policy': CONSOLE_CSP,
  'X-Content-Type-Options': 'nosniff',
  'X-Frame-Options': 'DENY',
  'Referrer-Policy': 'no-referrer',
  'Cross-Origin-Opener-Policy': 'same-origin',
  // Small files: the browser revalidates (ETag) rather than run a stale console after an upgrade.
  'Cache-Control': 'no-cache',
};

const JAVASCRIPT = 'text/javascript; charset=utf-8';

/**
 * The files served beside the page, by name, and their types. Only these names are ever read, so
 * no request reaches any other file. console.js is the entry module; it imports the others by
 * relative path (`./api.js`), so a module added to static/ must be added here too.
 */
const ASSET_TYPES: ReadonlyMap<string, string> = new Map([
  ['console.css', 'text/css; charset=utf-8'],
  ...[
    'console.js',
    'api.js',
    'decision-form.js',
    'dom.js',
    'documents.js',
    'evidence.js',
    'format.js',
    'inbox.js',
    'review-actions.js',
    'router.js',
    'session.js',
    'sign-in.js',
    'task-page.js',
  ].map((name): [string, string] => [name, JAVASCRIPT]),
]);

/**
 * Where the page's files are: next to this module, as `static/`. Under tsx and ts-jest that is the
 * source folder; `npm run build` copies the folder (nest-cli.json `assets`) to the same place
 * beside the compiled module.
 */
export function consoleStaticDir(): string {
  return fileURLToPath(new URL('./static/', import.meta.url));
}

@ApiExcludeController()
@LendbridgeEndpoint()
@Public()
@Controller('console')
export class ConsoleController {
  private readonly html: string;
  private readonly assets: Map<string, string>;

  constructor(@Inject(ApplicationConfig) private readonly app: ApplicationConfig) {
    const dir = consoleStaticDir();
    this.html = readFileSync(`${dir}index.html`, 'utf8');
    this.assets = new Map([...ASSET_TYPES.keys()].map((name) => [name, readFileSync(`${dir}${name}`, 'utf8')]));
  }

  @Get()
  index(@Req() request: Request, @Res({ passthrough: true }) response: Response): string {
    // The page names its own files and the API by absolute paths, so it works with or without a
    // trailing slash and under the host's global prefix (the plugin may be mounted without /v1).
    const consolePath = new URL(request.originalUrl, 'http://console.invalid').pathname.replace(/\/+$/, '');
    const prefix = this.app.getGlobalPrefix().replace(/^\/+|\/+$/g, '');
    setHeaders(response, 'text/html; charset=utf-8');
    return this.html
      .replaceAll('%CONSOLE_PATH%', escapeAttribute(consolePath))
      .replaceAll('%API_BASE%', escapeAttribute(prefix ? `/${prefix}` : ''));
  }

  @Get(':asset')
  asset(@Param('asset') name: string, @Res({ passthrough: true }) response: Response): string {
    const body = this.assets.get(name);
    const type = ASSET_TYPES.get(name);
    if (body === undefined || type === undefined) throw new NotFoundException('no such console file');
    setHeaders(response, type);
    return body;
  }
}

function setHeaders(response: Response, contentType: string): void {
  response.setHeader('Content-Type', contentType);
  for (const [name, value] of Object.entries(HEADERS)) response.setHeader(name, value);
}

function escapeAttribute(value: string): string {
  return value.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
