import fc from 'fast-check';
import {
  signWebhook,
  verifyWebhook,
  WebhookVerificationError,
  WEBHOOK_KEY_MAX_BYTES,
  WEBHOOK_KEY_MIN_BYTES,
  type WebhookToVerify,
} from '#webhooks';

const NOW_SECONDS = 1_764_680_000;
const NOW = new Date(NOW_SECONDS * 1000);

const secretArb = fc
  .uint8Array({ minLength: WEBHOOK_KEY_MIN_BYTES, maxLength: WEBHOOK_KEY_MAX_BYTES })
  .map((key) => `whsec_${Buffer.from(key).toString('base64')}`);
const idArb = fc.stringMatching(/^[\x21-\x2d\x2f-\x7e]{1,64}$/);
// Within the default tolerance of NOW.
const timestampArb = fc.integer({ min: NOW_SECONDS - 300, max: NOW_SECONDS + 300 });
const bodyArb = fc.oneof(fc.string({ unit: 'grapheme', maxLength: 200 }), fc.json());

interface Signed {
  id: string;
  timestamp: number;
  body: string;
  secrets: string[];
}
const signedArb: fc.Arbitrary<Signed> = fc.record({
  id: idArb,
  timestamp: timestampArb,
  body: bodyArb,
  secrets: fc.array(secretArb, { minLength: 1, maxLength: 4 }),
});

function request(signed: Signed, signature = signWebhook(signed)): WebhookToVerify {
  return {
    headers: {
      'webhook-id': signed.id,
      'webhook-timestamp': String(signed.timestamp),
      'webhook-signature': signature,
    },
    body: signed.body,
    secrets: signed.secrets,
    now: NOW,
  };
}

function refused(toVerify: WebhookToVerify): boolean {
  try {
    verifyWebhook(toVerify);
    return false;
  } catch (error) {
    if (error instanceof WebhookVerificationError) return true;
    throw error;
  }
}

/** `bytes` with the byte at `index` (taken modulo the length) changed to another value. */
function flipByte(bytes: Buffer, index: number, delta: number): Buffer {
  const changed = Buffer.from(bytes);
  const at = index % changed.length;
  changed[at] = (changed[at]! + delta) % 256;
  return changed;
}

describe('webhook signatures, for any id, timestamp, body and set of secrets', () => {
  it('verify as signed (round trip)', () => {
    fc.assert(
      fc.property(signedArb, (signed) => {
        expect(verifyWebhook(request(signed))).toEqual({ id: signed.id, timestamp: signed.timestamp });
      }),
    );
  });

  it('are refused once any single byte of the body changes', () => {
    fc.assert(
      fc.property(
        signedArb.filter((s) => s.body.length > 0),
        fc.nat(),
        fc.integer({ min: 1, max: 255 }),
        (signed, index, delta) => {
          const body = flipByte(Buffer.from(signed.body), index, delta);
          expect(refused({ ...request(signed), body })).toBe(true);
        },
      ),
    );
  });

  it('are refused once any single character of the id or the timestamp changes', () => {
    fc.assert(
      fc.property(signedArb, fc.nat(), fc.nat(), (signed, index, replacement) => {
        const signature = signWebhook(signed);
        const id = [...signed.id];
        const at = index % id.length;
        const alphabet = 'abcXYZ019_-:/!~';
        id[at] = alphabet[replacement % alphabet.length] === id[at] ? '#' : alphabet[replacement % alphabet.length]!;
        expect(refused(request({ ...signed, id: id.join('') }, signature))).toBe(true);
        const timestamp = signed.timestamp + ((replacement % 600) - 300 || 1);
        expect(refused(request({ ...signed, timestamp }, signature))).toBe(true);
      }),
    );
  });

  it('are refused once any single byte of a signature changes', () => {
    fc.assert(
      fc.property(signedArb, fc.nat(), fc.integer({ min: 1, max: 255 }), (signed, index, delta) => {
        // One secret, so there is one signature to damage.
        const one = { ...signed, secrets: signed.secrets.slice(0, 1) };
        const digest = Buffer.from(signWebhook(one).slice('v1,'.length), 'base64');
        const damaged = `v1,${flipByte(digest, index, delta).toString('base64')}`;
        expect(refused(request(one, damaged))).toBe(true);
      }),
    );
  });

  it('verify with any one of the signing secrets (rotation), and not with an unrelated one', () => {
    fc.assert(
      fc.property(signedArb, fc.nat(), secretArb, (signed, pick, stranger) => {
        fc.pre(!signed.secrets.includes(stranger));
        const one = signed.secrets[pick % signed.secrets.length]!;
        expect(refused({ ...request(signed), secrets: [stranger, one] })).toBe(false);
        expect(refused({ ...request(signed), secrets: [stranger] })).toBe(true);
      }),
    );
  });

  it('are refused when the timestamp is further than the tolerance from now, either way', () => {
    fc.assert(
      fc.property(signedArb, fc.integer({ min: 301, max: 10_000_000 }), fc.boolean(), (signed, offset, future) => {
        const timestamp = NOW_SECONDS + (future ? offset : -offset);
        const stale = { ...signed, timestamp };
        let reason: string | undefined;
        try {
          verifyWebhook(request(stale));
        } catch (error) {
          reason = (error as WebhookVerificationError).reason;
        }
        expect(reason).toBe(future ? 'timestamp-too-new' : 'timestamp-too-old');
      }),
    );
  });
});
