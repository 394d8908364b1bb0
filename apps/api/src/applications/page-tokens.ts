import { createHmac, timingSafeEqual } from 'node:crypto';
import { invalidRequest } from '../problem/problem.js';

/**
 * Visibility page tokens, sealed with an HMAC before they leave the API. The server cannot tell a
 * forged token from its own failure (it answers UNKNOWN, which clients retry for seconds), so a
 * token this API did not issue is refused here, at once, as the caller's mistake. The key derives
 * from the active payload key, so every replica accepts every other replica's tokens.
 */
export class PageTokens {
  private readonly key: Buffer;

  constructor(codecKeyHex: string) {
    this.key = createHmac('sha256', Buffer.from(codecKeyHex, 'hex')).update('lendbridge page tokens v1').digest();
  }

  seal(serverToken: Uint8Array): string {
    const token = Buffer.from(serverToken);
    return `${token.toString('base64url')}.${this.mac(token).toString('base64url')}`;
  }

  open(sealed: string): Buffer {
    const [body, mac, ...rest] = sealed.split('.');
    const token = Buffer.from(body ?? '', 'base64url');
    const given = Buffer.from(mac ?? '', 'base64url');
    const expected = this.mac(token);
    if (
      rest.length > 0 ||
      token.length === 0 ||
      given.length !== expected.length ||
      !timingSafeEqual(given, expected)
    ) {
      throw invalidRequest([{ field: 'pageToken', message: 'pageToken must be a token this API returned' }]);
    }
    return token;
  }

  private mac(token: Buffer): Buffer {
    return createHmac('sha256', this.key).update(token).digest().subarray(0, 16);
  }
}
