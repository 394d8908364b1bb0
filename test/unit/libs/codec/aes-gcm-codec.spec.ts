import { createDecipheriv } from 'node:crypto';
import { defaultPayloadConverter, type Payload } from '@temporalio/common';
import fc from 'fast-check';
import {
  AesGcmCodec,
  ENCRYPTED_ENCODING,
  KEY_ID_METADATA,
  PayloadCodecError,
  UNDECODABLE_ENCODING,
  UNDECODABLE_REASON_METADATA,
} from '#codec';

const OLD_KEY = '11'.repeat(32);
const NEW_KEY = '22'.repeat(32);
const oldOnly = new AesGcmCodec({ activeKeyId: 'k1', keys: { k1: OLD_KEY } });
const rotated = new AesGcmCodec({ activeKeyId: 'k2', keys: { k1: OLD_KEY, k2: NEW_KEY } });

const text = (bytes: Uint8Array | null | undefined): string => Buffer.from(bytes ?? []).toString();
const keyIdOf = (payload: Payload): string => text(payload.metadata?.[KEY_ID_METADATA]);
const application = { applicantReference: 'pseudonym-4711', requestedLimit: { amount: '120000.00', currency: 'HKD' } };

/** Replaces one byte of the encrypted data, leaving everything else as the codec wrote it. */
function flipByte(payload: Payload, index: number): Payload {
  const data = Buffer.from(payload.data!);
  data[index] = data[index]! ^ 0x01;
  return { ...payload, data };
}

describe('AesGcmCodec', () => {
  it('round-trips a payload, metadata included', async () => {
    const payload = defaultPayloadConverter.toPayload(application);
    const [encrypted] = await oldOnly.encode([payload]);
    expect(text(encrypted!.metadata?.encoding)).toBe(ENCRYPTED_ENCODING);
    expect(keyIdOf(encrypted!)).toBe('k1');
    const [decrypted] = await oldOnly.decode([encrypted!]);
    expect(text(decrypted!.metadata?.encoding)).toBe('json/plain');
    expect(defaultPayloadConverter.fromPayload(decrypted!)).toEqual(application);
  });

  it('leaves no plaintext in what the server would store, and uses a fresh IV each time', async () => {
    const payload = defaultPayloadConverter.toPayload(application);
    const [a, b] = await oldOnly.encode([payload, payload]);
    for (const encrypted of [a!, b!]) {
      const stored = Buffer.concat([Buffer.from(encrypted.data!), ...Object.values(encrypted.metadata ?? {})]);
      expect(stored.includes('pseudonym-4711')).toBe(false);
      expect(stored.includes('120000.00')).toBe(false);
      expect(stored.includes('json/plain')).toBe(false);
    }
    expect(Buffer.from(a!.data!).equals(Buffer.from(b!.data!))).toBe(false);
    expect(Buffer.from(a!.data!).subarray(0, 12).equals(Buffer.from(b!.data!).subarray(0, 12))).toBe(false);
  });

  it('is plain AES-256-GCM: IV, ciphertext and tag, authenticated with the key id', async () => {
    // Decrypting by hand pins the format, so a future change cannot silently orphan stored history.
    const payload = defaultPayloadConverter.toPayload('hello');
    const [encrypted] = await oldOnly.encode([payload]);
    const data = Buffer.from(encrypted!.data!);
    const decipher = createDecipheriv('aes-256-gcm', Buffer.from(OLD_KEY, 'hex'), data.subarray(0, 12));
    decipher.setAAD(Buffer.from('lendbridge/payload/aes-256-gcm/v1\u0000k1'));
    decipher.setAuthTag(data.subarray(-16));
    const plaintext = Buffer.concat([decipher.update(data.subarray(12, -16)), decipher.final()]);
    expect(plaintext.includes('"hello"')).toBe(true);
  });

  describe('key rotation', () => {
    it('decodes history encrypted with the previous key after the active key changes', async () => {
      const [old] = await oldOnly.encode([defaultPayloadConverter.toPayload(application)]);
      const [decrypted] = await rotated.decode([old!]);
      expect(defaultPayloadConverter.fromPayload(decrypted!)).toEqual(application);
    });

    it('encrypts new payloads with the new key id only', async () => {
      const [fresh] = await rotated.encode([defaultPayloadConverter.toPayload(application)]);
      expect(keyIdOf(fresh!)).toBe('k2');
      await expect(oldOnly.decode([fresh!])).rejects.toThrow(PayloadCodecError);
    });
  });

  it('names the unknown key id when a payload was encrypted with a key that is not configured', async () => {
    const [fresh] = await rotated.encode([defaultPayloadConverter.toPayload('x')]);
    const error = await oldOnly.decode([fresh!]).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PayloadCodecError);
    expect((error as PayloadCodecError).keyId).toBe('k2');
    expect((error as Error).message).toMatch(/key id "k2".*not configured/);
    expect((error as Error).message).not.toContain(NEW_KEY);
    expect((error as Error).message).not.toContain(OLD_KEY);
  });

  it('refuses altered data: IV, ciphertext or tag', async () => {
    const [encrypted] = await oldOnly.encode([defaultPayloadConverter.toPayload(application)]);
    const length = encrypted!.data!.length;
    for (const index of [0, 11, 12, length - 17, length - 16, length - 1]) {
      const error = await oldOnly.decode([flipByte(encrypted!, index)]).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(PayloadCodecError);
      expect((error as Error).message).toMatch(/failed authentication under key id "k1"/);
      expect((error as Error).message).not.toContain(OLD_KEY);
    }
  });

  it('refuses a payload relabelled with another configured key id', async () => {
    // With identical key material under both ids only the authenticated key id can tell them apart.
    const twins = new AesGcmCodec({ activeKeyId: 'a', keys: { a: OLD_KEY, b: OLD_KEY } });
    const [encrypted] = await twins.encode([defaultPayloadConverter.toPayload(application)]);
    const relabelled = { ...encrypted!, metadata: { ...encrypted!.metadata, [KEY_ID_METADATA]: Buffer.from('b') } };
    await expect(twins.decode([relabelled])).rejects.toThrow(/failed authentication under key id "b"/);
  });

  it('refuses an encrypted payload without a key id, and a truncated one', async () => {
    const [encrypted] = await oldOnly.encode([defaultPayloadConverter.toPayload('x')]);
    const { [KEY_ID_METADATA]: _dropped, ...rest } = encrypted!.metadata!;
    await expect(oldOnly.decode([{ ...encrypted!, metadata: rest }])).rejects.toThrow(/no encryption-key-id/);
    const truncated = { ...encrypted!, data: encrypted!.data!.subarray(0, 27) };
    await expect(oldOnly.decode([truncated])).rejects.toThrow(/truncated/);
  });

  it('refuses payloads it did not encrypt, unless told to let them through', async () => {
    const plain = defaultPayloadConverter.toPayload(application);
    const empty: Payload = {};
    // A forged update (say, from the Temporal CLI, claiming to be a reviewer) arrives in clear.
    await expect(oldOnly.decode([plain])).rejects.toThrow(/not encrypted/);
    expect(await oldOnly.decode([empty])).toEqual([empty]);
    const lenient = new AesGcmCodec({ activeKeyId: 'k1', keys: { k1: OLD_KEY } }, { allowPlaintext: true });
    const [a, b] = await lenient.decode([plain, empty]);
    expect(a).toBe(plain);
    expect(b).toBe(empty);
  });

  it('on a worker, turns what it cannot decode into a payload no converter reads, instead of failing the task', async () => {
    const worker = new AesGcmCodec({ activeKeyId: 'k1', keys: { k1: OLD_KEY } }, { markUndecodable: true });
    const [genuine] = await worker.encode([defaultPayloadConverter.toPayload(application)]);
    const [foreign] = await new AesGcmCodec({ activeKeyId: 'zz', keys: { zz: NEW_KEY } }).encode([
      defaultPayloadConverter.toPayload('x'),
    ]);
    const altered = { ...genuine!, data: Buffer.from(genuine!.data!).fill(7, 20, 30) };
    const plain = defaultPayloadConverter.toPayload({ actor: { subject: 'ghost-1' } });
    const decoded = await worker.decode([genuine!, plain, foreign!, altered]);
    expect(defaultPayloadConverter.fromPayload(decoded[0]!)).toEqual(application);
    for (const marked of decoded.slice(1)) {
      expect(Buffer.from(marked.metadata!.encoding!).toString()).toBe(UNDECODABLE_ENCODING);
      expect(Buffer.from(marked.metadata![UNDECODABLE_REASON_METADATA]!).toString()).toMatch(
        /not encrypted|key id|authentication/,
      );
      // Converting it fails inside the workflow, where an update's validator turns that into a refusal.
      expect(() => defaultPayloadConverter.fromPayload(marked)).toThrow();
    }
  });

  it('refuses an active key id that is not configured, and malformed keys, without echoing key material', () => {
    expect(() => new AesGcmCodec({ activeKeyId: 'k9', keys: { k1: OLD_KEY } })).toThrow(/active key id "k9"/);
    const bad = 'AB'.repeat(32);
    let error: unknown;
    try {
      new AesGcmCodec({ activeKeyId: 'k1', keys: { k1: bad } });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(PayloadCodecError);
    expect((error as Error).message).toContain('k1');
    expect((error as Error).message).not.toContain(bad);
  });

  it('round-trips arbitrary payloads, under either key, and never leaves their bytes in the clear', async () => {
    const payloadArb = fc.record({
      metadata: fc.dictionary(
        fc.string({ minLength: 1, maxLength: 20 }),
        fc.uint8Array({ maxLength: 64 }).map((bytes) => Buffer.from(bytes)),
        { maxKeys: 4 },
      ),
      data: fc.uint8Array({ maxLength: 2048 }).map((bytes) => Buffer.from(bytes)),
    });
    await fc.assert(
      fc.asyncProperty(fc.array(payloadArb, { maxLength: 4 }), fc.boolean(), async (payloads, useOld) => {
        const encoder = useOld ? oldOnly : rotated;
        const encrypted = await encoder.encode(payloads);
        for (const [i, payload] of encrypted.entries()) {
          expect(keyIdOf(payload)).toBe(useOld ? 'k1' : 'k2');
          // A 16-byte run of the original surviving into the ciphertext would mean no encryption.
          const original = payloads[i]!.data;
          if (original.length >= 16) expect(Buffer.from(payload.data!).includes(original.subarray(0, 16))).toBe(false);
        }
        const decrypted = await rotated.decode(encrypted);
        expect(decrypted.map((p) => ({ metadata: { ...p.metadata }, data: Buffer.from(p.data!) }))).toEqual(payloads);
      }),
      { numRuns: 200 },
    );
  });
});
