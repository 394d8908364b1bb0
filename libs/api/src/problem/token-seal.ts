import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Seals what the API hands out for clients to send back unchanged (list page tokens, inbox
 * cursors): the body, base64url, with an HMAC over it and the context it is valid in (the query it
 * continues). A sealed value this API did not issue is then refused at once as the caller's mistake,
 * instead of reaching Temporal. Keys derive from the active payload key and a purpose, so every
 * replica accepts every other replica's values (until a rotation) and no two purposes share a key.
 */
export class TokenSeal {
  private readonly key: Buffer;

  constructor(codecKeyHex: string, purpose: string) {
    this.key = createHmac('sha256', Buffer.from(codecKeyHex, 'hex')).update(purpose).digest();
  }

  seal(body: Uint8Array, context = ''): string {
    const bytes = Buffer.from(body);
    return `${bytes.toString('base64url')}.${this.mac(bytes, context).toString('base64url')}`;
  }

  /** The body, or undefined when the value is not one this API sealed for `context`. */
  open(sealed: string, context = ''): Buffer | undefined {
    const [encoded, mac, ...rest] = sealed.split('.');
    const body = Buffer.from(encoded ?? '', 'base64url');
    const given = Buffer.from(mac ?? '', 'base64url');
    const expected = this.mac(body, context);
    const genuine =
      rest.length === 0 && body.length > 0 && given.length === expected.length && timingSafeEqual(given, expected);
    return genuine ? body : undefined;
  }

  private mac(body: Buffer, context: string): Buffer {
    const length = Buffer.alloc(4);
    length.writeUInt32BE(body.length);
    return createHmac('sha256', this.key).update(length).update(body).update(context).digest().subarray(0, 16);
  }
}
