/**
 * How an ops person's browser gets to decrypt payloads in the Temporal UI. The UI can call the
 * codec endpoint with cookies but cannot attach a bearer token (that needs the UI's own OIDC
 * sign-in), so the ops token is put into an HttpOnly cookie scoped to /codec, here, once.
 */
import { Controller, Delete, Get, Header, HttpCode, HttpStatus, Post, Req, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiExcludeController, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { Public, RequireRoles, SESSION_COOKIE } from '../auth/decorators.js';
import { Role } from '../auth/principal.js';
import { LendbridgeEndpoint } from '../lendbridge-endpoint.decorator.js';

/** A session never outlives its token, nor a working day. */
const MAX_SESSION_SECONDS = 8 * 3600;

// The Temporal UI's codec sign-in (a cookie and a page): not part of the API the document describes.
@ApiExcludeController()
@ApiTags('ops')
@LendbridgeEndpoint()
@Controller('codec')
export class CodecSessionController {
  @Post('session')
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiBearerAuth()
  @RequireRoles(Role.OPS)
  @ApiOperation({ summary: "Keep the ops token in a cookie for the Temporal UI's codec calls" })
  startSession(@Req() request: Request, @Res({ passthrough: true }) response: Response): void {
    const token = /^Bearer +(\S+)/i.exec(request.headers.authorization ?? '')?.[1];
    // The guard verified this token a moment ago; its `exp` bounds the cookie's life.
    const claims = JSON.parse(Buffer.from(token!.split('.')[1]!, 'base64url').toString()) as { exp?: unknown };
    const expiresAt = Number(claims.exp);
    const maxAge = Math.max(0, Math.min(MAX_SESSION_SECONDS, Math.floor(expiresAt - Date.now() / 1000)));
    // HttpOnly: no script reads it. SameSite=Lax: sent by the UI on the same host, not from other sites.
    response.cookie(SESSION_COOKIE, token, {
      httpOnly: true,
      sameSite: 'lax',
      // Only a browser on the machine itself gets the token over plain HTTP (`npm run dev`).
      secure: request.secure || !['127.0.0.1', 'localhost', '::1'].includes(request.hostname),
      path: '/codec',
      maxAge: maxAge * 1000,
    });
  }

  @Delete('session')
  @HttpCode(HttpStatus.NO_CONTENT)
  @Public()
  @ApiOperation({ summary: 'Forget the codec session cookie' })
  endSession(@Res({ passthrough: true }) response: Response): void {
    response.clearCookie(SESSION_COOKIE, { path: '/codec' });
  }

  /** A page to paste the ops token into; it calls POST /codec/session. No assets from anywhere. */
  @Get('sign-in')
  @Public()
  @Header('Content-Type', 'text/html; charset=utf-8')
  @Header(
    'Content-Security-Policy',
    "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; connect-src 'self'; frame-ancestors 'none'",
  )
  signInPage(): string {
    return SIGN_IN_PAGE;
  }
}

const SIGN_IN_PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>lendbridge: decrypt in the Temporal UI</title>
<style>body{font:16px system-ui,sans-serif;max-width:40rem;margin:2rem auto;padding:0 1rem}textarea{width:100%;min-height:8rem}</style>
</head><body>
<h1>Decrypt payloads in the Temporal UI</h1>
<p>Paste an ops token (<code>npm run -s token -- --role ops --sub you</code>). It is kept in an HttpOnly cookie for
<code>/codec</code> only. Then, in the Temporal UI, open the codec settings (the codec icon in the top bar), choose
<em>Use my browser setting</em>, enter this API's <code>/codec</code> endpoint, turn on <em>Include cross-origin credentials</em>, apply and reload.</p>
<form id="f"><label for="t">Ops token</label><textarea id="t" required autocomplete="off"></textarea>
<p><button type="submit">Sign in</button> <button type="button" id="out">Sign out</button></p></form>
<p id="s" role="status" aria-live="polite"></p>
<script>
const s = document.getElementById('s');
document.getElementById('f').addEventListener('submit', async (e) => {
  e.preventDefault();
  const r = await fetch('session', { method: 'POST', headers: { Authorization: 'Bearer ' + document.getElementById('t').value.trim() } });
  s.textContent = r.ok ? 'Signed in: the Temporal UI can now decrypt payloads.' : 'Refused (' + r.status + '): ' + ((await r.json()).detail || '');
});
document.getElementById('out').addEventListener('click', async () => {
  await fetch('session', { method: 'DELETE' });
  s.textContent = 'Signed out.';
});
</script></body></html>
`;
