import { unprocessableRequest } from '../problem/problem.js';
import { TokenSeal } from '../problem/token-seal.js';

/**
 * Visibility page tokens, sealed before they leave the API. The server cannot tell a forged token
 * from its own failure (it answers UNKNOWN, which clients retry for seconds), so a token this API
 * did not issue is refused here, at once. The seal covers the query too, so a token only continues
 * the listing it came from.
 */
export class PageTokens {
  private readonly sealer: TokenSeal;

  constructor(codecKeyHex: string) {
    this.sealer = new TokenSeal(codecKeyHex, 'lendbridge page tokens v1');
  }

  seal(serverToken: Uint8Array, query: string): string {
    return this.sealer.seal(serverToken, query);
  }

  open(sealed: string, query: string): Buffer {
    const token = this.sealer.open(sealed, query);
    if (!token) {
      throw unprocessableRequest([
        { field: 'pageToken', message: 'pageToken must be a token this API returned for the same query' },
      ]);
    }
    return token;
  }
}
