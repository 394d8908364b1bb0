import { createHmac, timingSafeEqual } from 'node:crypto';
import { invalidRequest } from '../problem/problem.js';

/**
 * Visibility page tokens, sealed with an HMAC before they leave the API. The server cannot tell a
 * forged token from its own failure (it answers UNKNOWN, which clients retry for seconds), so a
 * token this API did not issue is refused here, at once, as the caller's mistake. The seal covers
 * the query too, so a token only continues the listing it came from. The key derives from the
 * active payload key, so every replica accepts every other replica's tokens (until a rotation).
 */
export class PageTokens {
  private readonly key: Buffer;

  constructor(codecKeyHex: string) {
    this.key = createHmac('sha256', Buffer.from(codecKeyHex, 'hex')).update('lendbridge page tokens v1').digest();
  }

  seal(serverToken: Uint8Array, query: string): string {
    const token = Buffer.from(serverToken);
    return `${token.toString('base64url')}.${this.mac(token, query).toString('base64url')}`;
  }

  open(sealed: string, query: string): Buffer {
    const [body, mac, ...rest] = sealed.split('.');
    const token = Buffer.from(body ?? '', 'base64url');
    const given = Buffer.from(mac ?? '', 'base64url');
    const expected = this.mac(token, query);
    if (
      rest.length > 0 ||
      token.length === 0 ||
      given.length !== expected.length ||
      !timingSafeEqual(given, expected)
    ) {
      throw invalidRequest([
        { field: 'pageToken', message: 'pageToken must be a token this API returned for the same query' },
      ]);
    }
    return token;
  }

  private mac(token: Buffer, query: string): Buffer {
    const length = Buffer.alloc(4);
    length.writeUInt32BE(token.length);
    return createHmac('sha256', this.key).update(length).update(token).update(query).digest().subarray(0, 16);
  }
}
