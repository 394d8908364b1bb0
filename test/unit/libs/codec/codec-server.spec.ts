import { defaultPayloadConverter, type Payload, type PayloadCodec } from '@temporalio/common';
import {
  AesGcmCodec,
  CodecRequestError,
  decodePayloadsJson,
  MAX_CODEC_PAYLOADS,
  parsePayloadsJson,
  payloadsToJson,
  PayloadCodecError,
} from '#codec';

const codec = new AesGcmCodec({ activeKeyId: 'ui-1', keys: { 'ui-1': 'c3'.repeat(32) } });
const b64 = (text: string): string => Buffer.from(text).toString('base64');

/** A payload as the Web UI sends it: protobuf JSON, bytes as base64. */
function jsonPayload(value: unknown): { metadata: Record<string, string>; data: string } {
  return payloadsToJson([defaultPayloadConverter.toPayload(value)]).payloads[0]!;
}

describe('codec server protocol', () => {
  it('decodes a Payloads body of encrypted payloads, as the Web UI sends it from history', async () => {
    const body = { payloads: [jsonPayload({ applicant: 'pseudonym-9' }), jsonPayload(null), jsonPayload('')] };
    const encoded = payloadsToJson(await codec.encode(parsePayloadsJson(body)));
    expect(encoded.payloads).toHaveLength(3);
    for (const payload of encoded.payloads) {
      expect(payload.metadata.encoding).toBe(b64('binary/encrypted'));
      expect(payload.metadata['encryption-key-id']).toBe(b64('ui-1'));
      expect(Buffer.from(payload.data, 'base64').includes('pseudonym-9')).toBe(false);
    }
    // What the UI sends back from history is exactly what the server stored: JSON in, JSON out.
    const decoded = await decodePayloadsJson(codec, JSON.parse(JSON.stringify(encoded)));
    expect(decoded).toEqual(body);
  });

  it('decodes the JSON of payloads the worker encrypted, and passes unencrypted ones through for display', async () => {
    const [stored] = await codec.encode([defaultPayloadConverter.toPayload({ amount: '120000.00' })]);
    const legacy = jsonPayload('written before encryption');
    // What the API serves the Temporal UI with: it only shows payloads, so clear ones are shown as they are.
    const display = new AesGcmCodec(
      { activeKeyId: 'ui-1', keys: { 'ui-1': 'c3'.repeat(32) } },
      { allowPlaintext: true },
    );
    await expect(decodePayloadsJson(codec, { payloads: [legacy] })).rejects.toThrow(/not encrypted/);
    const decoded = await decodePayloadsJson(display, { payloads: [...payloadsToJson([stored!]).payloads, legacy] });
    expect(decoded.payloads[0]).toEqual(jsonPayload({ amount: '120000.00' }));
    expect(decoded.payloads[1]).toEqual(legacy);
  });

  it('accepts what protobuf JSON allows: omitted or null fields, URL-safe and unpadded base64', () => {
    const parsed = parsePayloadsJson({
      payloads: [{}, { metadata: null, data: null }, { metadata: { k: '-_8' }, data: '+/8=' }, { data: 'YQ' }],
    });
    const plain = parsed.map((p: Payload) => ({
      metadata: Object.fromEntries(Object.entries(p.metadata ?? {}).map(([k, v]) => [k, [...v]])),
      data: [...(p.data ?? [])],
    }));
    expect(plain).toEqual([
      { metadata: {}, data: [] },
      { metadata: {}, data: [] },
      { metadata: { k: [0xfb, 0xff] }, data: [0xfb, 0xff] },
      { metadata: {}, data: [0x61] },
    ]);
    expect(parsePayloadsJson({ payloads: [] })).toEqual([]);
  });

  it('writes standard, padded base64 and always both fields', () => {
    expect(payloadsToJson([{ metadata: { k: new Uint8Array([0xfb, 0xff]) } }])).toEqual({
      payloads: [{ metadata: { k: '+/8=' }, data: '' }],
    });
  });

  describe('rejects a malformed body with a CodecRequestError naming the problem', () => {
    const cases: [string, unknown, RegExp][] = [
      ['not an object', 'payloads', /body: expected a JSON object/],
      ['null', null, /body: expected a JSON object/],
      ['an array', [], /body: expected a JSON object/],
      ['no payloads', {}, /payloads: expected an array/],
      ['payloads not an array', { payloads: { 0: {} } }, /payloads: expected an array/],
      ['an unknown top-level field', { payloads: [], extra: 1 }, /body: unexpected field "extra"/],
      ['a payload that is not an object', { payloads: ['YQ=='] }, /payloads\[0\]: expected an object/],
      ['a payload that is an array', { payloads: [[]] }, /payloads\[0\]: expected an object/],
      ['an unknown payload field', { payloads: [{ data: '', dat: '' }] }, /payloads\[0\]: unexpected field "dat"/],
      ['metadata not an object', { payloads: [{ metadata: 'x' }] }, /payloads\[0\]\.metadata: expected an object/],
      ['a metadata value not a string', { payloads: [{ metadata: { encoding: 1 } }] }, /metadata\["encoding"\]/],
      ['data not a string', { payloads: [{}, { data: [1, 2] }] }, /payloads\[1\]\.data: expected a base64 string/],
      ['data not base64', { payloads: [{ data: 'not base64!' }] }, /payloads\[0\]\.data: not valid base64/],
      ['an impossible base64 length', { payloads: [{ data: 'YWJjZ' }] }, /not valid base64/],
      ['misplaced padding', { payloads: [{ data: 'YQ=a' }] }, /not valid base64/],
      ['padding on a wrong length', { payloads: [{ data: 'YQ=' }] }, /not valid base64/],
      ['mixed base64 alphabets', { payloads: [{ data: 'a+b_' }] }, /not valid base64/],
      ['whitespace', { payloads: [{ data: 'YW Jj' }] }, /not valid base64/],
      [
        'too many payloads',
        { payloads: Array.from({ length: MAX_CODEC_PAYLOADS + 1 }, () => ({})) },
        /1001 payloads, at most 1000/,
      ],
    ];
    it.each(cases)('%s', async (_name, body, message) => {
      const error = await decodePayloadsJson(codec, body).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(CodecRequestError);
      expect((error as Error).message).toMatch(message);
    });
  });

  it('never hands a malformed body to the codec', async () => {
    const calls: string[] = [];
    const spy: PayloadCodec = {
      encode: (p) => (calls.push('encode'), Promise.resolve(p)),
      decode: (p) => (calls.push('decode'), Promise.resolve(p)),
    };
    await expect(decodePayloadsJson(spy, { payloads: [{ data: '%%%' }] })).rejects.toThrow(CodecRequestError);
    expect(calls).toEqual([]);
  });

  it('lets a payload the codec cannot decrypt fail the request with the codec error, naming the key id', async () => {
    const other = new AesGcmCodec({ activeKeyId: 'retired', keys: { retired: 'd4'.repeat(32) } });
    const [stored] = await other.encode([defaultPayloadConverter.toPayload('x')]);
    const error = await decodePayloadsJson(codec, payloadsToJson([stored!])).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PayloadCodecError);
    expect(error).not.toBeInstanceOf(CodecRequestError);
    expect((error as Error).message).toContain('"retired"');
  });
});
