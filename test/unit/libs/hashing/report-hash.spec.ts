import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  REPORT_HASH_SCHEMES,
  createReportHasher,
  fromBytes32,
  hashJsonReport,
  hashJsonReportBytes,
  hashReportBytes,
  isReportHashHex,
  toBytes32,
} from '#hashing';
import { REPO_ROOT } from '#stack/contracts';

const fixture = (name: string): Buffer => readFileSync(join(REPO_ROOT, 'test', 'fixtures', 'reports', name));
const ascii = (text: string): Uint8Array => new TextEncoder().encode(text);

// Expected values below were computed outside Node with `sha256sum`.
const SAMPLE_PDF_SHA256 = '6326a6f3c2d66f80b9d63abc856d97668fe5c1748c24015e3b842754417358bf';
// printf '%s' "$CANONICAL_SAMPLE_REPORT" | sha256sum
const SAMPLE_JSON_JCS_SHA256 = 'ceb7f86e41ee96a840890fad5874706feb84e131b588ce9f2c9949b8442380e3';
const CANONICAL_SAMPLE_REPORT =
  '{"accounts":[{"balance":1250.5,"currency":"KES","delinquent":false,"limit":10000,"type":"loan","utilization":1e-7},' +
  '{"balance":0,"currency":"KES","delinquent":true,"limit":2500,"note":null,"type":"card"}],' +
  '"bureau":"Example Bureau","issuedAt":"2024-05-01T12:00:00Z","reportId":"rpt-0001",' +
  '"score":{"band":"good","scale":{"max":850,"min":300},"value":712},' +
  '"subject":{"birthYear":1990,"country":"KE","name":"Zoë Test-Applicant"}}';
const ABC_SHA256 = 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad';

// A small seeded generator keeps the "random" chunking reproducible when a test fails.
function chunkSizes(seed: number, max: number): () => number {
  let state = seed;
  return () => {
    state = (Math.imul(state, 1103515245) + 12345) >>> 0;
    return 1 + (state % max);
  };
}

function hashInChunks(bytes: Uint8Array, seed: number, maxChunk: number): string {
  const hasher = createReportHasher();
  const nextSize = chunkSizes(seed, maxChunk);
  for (let offset = 0; offset < bytes.length;) {
    const end = Math.min(bytes.length, offset + nextSize());
    hasher.update(bytes.subarray(offset, end));
    offset = end;
  }
  return hasher.digest().hash;
}

describe('hashReportBytes', () => {
  it.each([
    ['the empty message', '', 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855'],
    ['"abc"', 'abc', ABC_SHA256],
    [
      'the 448-bit NIST message',
      'abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq',
      '248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1',
    ],
  ])('matches the published SHA-256 of %s', (_name, message, expected) => {
    expect(hashReportBytes(ascii(message))).toEqual({ scheme: 'sha256-raw-v1', hash: expected });
  });

  it('hashes the exact bytes of a PDF fixture, binary bytes included', () => {
    const pdf = fixture('sample-report.pdf');
    expect(pdf.subarray(0, 8).toString('latin1')).toBe('%PDF-1.4');
    expect(hashReportBytes(pdf)).toEqual({ scheme: 'sha256-raw-v1', hash: SAMPLE_PDF_SHA256 });
  });

  it('hashes only the bytes a view covers, not its whole underlying buffer', () => {
    const backing = ascii('xxabcxx');
    expect(hashReportBytes(backing.subarray(2, 5)).hash).toBe(ABC_SHA256);
  });

  it('changes the hash when a single byte changes', () => {
    const pdf = Buffer.from(fixture('sample-report.pdf'));
    const last = pdf.length - 1;
    pdf.writeUInt8(pdf.readUInt8(last) ^ 0x01, last);
    expect(hashReportBytes(pdf).hash).not.toBe(SAMPLE_PDF_SHA256);
  });
});

describe('createReportHasher', () => {
  it.each([1, 2, 3, 4, 5])(
    'gives the same hash as hashReportBytes when a file arrives in random chunks (seed %i)',
    (seed) => {
      expect(hashInChunks(fixture('sample-report.pdf'), seed, 7)).toBe(SAMPLE_PDF_SHA256);
    },
  );

  it('gives the same hash for a large upload streamed in uneven chunks', () => {
    const upload = new Uint8Array(1 << 20).map((_, i) => (i * 31 + (i >> 8)) & 0xff);
    expect(hashInChunks(upload, 42, 65_536)).toBe(hashReportBytes(upload).hash);
  });

  it('hashes an upload with no chunks as the empty message', () => {
    expect(createReportHasher().digest()).toEqual({
      scheme: 'sha256-raw-v1',
      hash: 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
    });
  });

  it('refuses to digest twice', () => {
    const hasher = createReportHasher();
    hasher.update(ascii('abc'));
    expect(hasher.digest().hash).toBe(ABC_SHA256);
    expect(() => hasher.digest()).toThrow(/already digested/);
  });

  it('refuses more data after the digest', () => {
    const hasher = createReportHasher();
    hasher.digest();
    expect(() => hasher.update(ascii('late'))).toThrow(/already digested/);
  });
});

describe('hashJsonReport', () => {
  it('hashes the UTF-8 bytes of the canonical form of a JSON report fixture', () => {
    const text = fixture('sample-report.json').toString('utf8');
    expect(hashJsonReport(text)).toEqual({ scheme: 'sha256-jcs-v1', hash: SAMPLE_JSON_JCS_SHA256 });
  });

  it('agrees with hashing the hand-written canonical text as raw bytes', () => {
    expect(hashReportBytes(Buffer.from(CANONICAL_SAMPLE_REPORT, 'utf8')).hash).toBe(SAMPLE_JSON_JCS_SHA256);
  });

  it('gives the same hash for a JSON string and for the value it parses to', () => {
    const text = fixture('sample-report.json').toString('utf8');
    expect(hashJsonReport(JSON.parse(text))).toEqual(hashJsonReport(text));
  });

  it('is not affected by key order or whitespace', () => {
    const compact = '{"score":{"value":712,"band":"good"},"id":"r1","tags":["a","b"]}';
    const reformatted =
      '{\n  "tags" : [ "a", "b" ],\n\t"id": "r1",\r\n  "score": { "band": "good", "value": 712.0 }\n}\n';
    expect(hashJsonReport(reformatted)).toEqual(hashJsonReport(compact));
  });

  it('is affected by array order and by values', () => {
    const base = hashJsonReport('{"tags":["a","b"],"n":1}').hash;
    expect(hashJsonReport('{"tags":["b","a"],"n":1}').hash).not.toBe(base);
    expect(hashJsonReport('{"tags":["a","b"],"n":2}').hash).not.toBe(base);
  });

  it('uses a different scheme, and so a different hash, than hashing the same text raw', () => {
    const text = fixture('sample-report.json');
    const raw = hashReportBytes(text);
    const jcs = hashJsonReport(text.toString('utf8'));
    expect(raw.scheme).toBe('sha256-raw-v1');
    expect(jcs.scheme).toBe('sha256-jcs-v1');
    expect(raw.hash).not.toBe(jcs.hash);
  });

  it('throws a clear error for text that is not JSON, without echoing the report', () => {
    const secret = '{"ssn": "123-45-6789",';
    expect(() => hashJsonReport(secret)).toThrow('Credit report is not valid JSON');
    expect(() => hashJsonReport(secret)).not.toThrow(/123-45/);
  });

  it('throws when the report holds values canonical JSON cannot represent', () => {
    expect(() => hashJsonReport({ score: Number.NaN })).toThrow(TypeError);
  });
});

describe('hashJsonReportBytes', () => {
  const BOM = Buffer.from([0xef, 0xbb, 0xbf]);
  const utf8 = (text: string): Buffer => Buffer.from(text, 'utf8');

  it('hashes the bytes of a JSON report fixture like hashJsonReport hashes its text', () => {
    const bytes = fixture('sample-report.json');
    expect(hashJsonReportBytes(bytes)).toEqual({ scheme: 'sha256-jcs-v1', hash: SAMPLE_JSON_JCS_SHA256 });
  });

  it.each([
    ['accented letters', '{"name":"Zoë Ñúñez","country":"KE"}'],
    ['an emoji outside the BMP', '{"note":"😀","n":-0.5}'],
    ['escapes and whitespace', String.raw`{ "a\\":"\u20ac\n" ,` + '\t\r\n' + String.raw`"b":[1e2, true, null] }`],
  ])('agrees with the text entry point on a valid report with %s', (_name, text) => {
    expect(hashJsonReportBytes(utf8(text))).toEqual(hashJsonReport(text));
  });

  it('hashes only the bytes a view covers, not its whole underlying buffer', () => {
    const backing = utf8('xx{"score":712}xx');
    expect(hashJsonReportBytes(backing.subarray(2, backing.length - 2))).toEqual(hashJsonReport('{"score":712}'));
  });

  it.each([
    ['a byte that never occurs in UTF-8', [0x7b, 0x22, 0xff, 0x22, 0x3a, 0x31, 0x7d]],
    ['an overlong encoding of "/"', [0x7b, 0x22, 0xc0, 0xaf, 0x22, 0x3a, 0x31, 0x7d]],
    ['an encoded UTF-16 surrogate', [0x7b, 0x22, 0xed, 0xa0, 0x80, 0x22, 0x3a, 0x31, 0x7d]],
    ['a sequence cut short at the end', [0x22, 0xe2, 0x82]],
  ])('refuses %s instead of reading it as U+FFFD', (_name, bytes) => {
    expect(() => hashJsonReportBytes(Buffer.from(bytes))).toThrow(SyntaxError);
    expect(() => hashJsonReportBytes(Buffer.from(bytes))).toThrow('Credit report is not valid UTF-8');
  });

  it('still accepts a report that really contains U+FFFD, which the invalid bytes would otherwise hash as', () => {
    // The bytes EF BF BD, the UTF-8 of U+FFFD: a valid file, unlike the 0xff one above.
    expect(hashJsonReportBytes(utf8('{"\ufffd":1}'))).toEqual(hashJsonReport('{"\ufffd":1}'));
  });

  it('ignores one leading byte order mark, giving the same hash as the file without it', () => {
    const bytes = fixture('sample-report.json');
    expect(hashJsonReportBytes(Buffer.concat([BOM, bytes])).hash).toBe(SAMPLE_JSON_JCS_SHA256);
  });

  it('refuses a second byte order mark, which is content and not JSON whitespace', () => {
    expect(() => hashJsonReportBytes(Buffer.concat([BOM, BOM, utf8('{}')]))).toThrow('Credit report is not valid JSON');
  });

  it('keeps a U+FEFF that is not the first character as part of the value', () => {
    expect(hashJsonReportBytes(utf8('{"a":"\ufeff"}')).hash).not.toBe(hashJsonReportBytes(utf8('{"a":""}')).hash);
  });

  it('applies the same repeated-key and integer rules as the text entry point', () => {
    expect(() => hashJsonReportBytes(utf8('{"score":500,"score":800}'))).toThrow(/repeats a key/);
    expect(() => hashJsonReportBytes(utf8('{"score":12345678901234567890}'))).toThrow(RangeError);
    expect(() => hashJsonReportBytes(utf8(''))).toThrow('Credit report is not valid JSON');
  });

  it('never quotes the report when its bytes are not UTF-8', () => {
    const bytes = Buffer.concat([utf8('{"name":"SECRET-NAME-123","x":"'), Buffer.from([0xff]), utf8('"}')]);
    let message = '';
    try {
      hashJsonReportBytes(bytes);
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toBe('Credit report is not valid UTF-8');
    expect(message).not.toContain('SECRET-NAME-123');
  });
});

describe('report hash formats', () => {
  const hex = SAMPLE_PDF_SHA256;

  it('lists exactly the two report hash schemes', () => {
    expect(REPORT_HASH_SCHEMES).toEqual(['sha256-raw-v1', 'sha256-jcs-v1']);
  });

  it('recognises 64 lowercase hex characters as a report hash', () => {
    expect(isReportHashHex(hex)).toBe(true);
    expect(isReportHashHex('0'.repeat(64))).toBe(true);
  });

  it.each([
    ['uppercase hex', hex.toUpperCase()],
    ['63 characters', hex.slice(1)],
    ['65 characters', `${hex}0`],
    ['a 0x prefix', `0x${hex}`],
    ['a non-hex character', `${hex.slice(0, 63)}g`],
    ['a trailing newline', `${hex}\n`],
    ['a number', 42],
    ['null', null],
  ])('rejects %s as a report hash', (_name, value) => {
    expect(isReportHashHex(value)).toBe(false);
  });

  it('turns a report hash into a bytes32 and back', () => {
    expect(toBytes32(hex)).toBe(`0x${hex}`);
    expect(fromBytes32(toBytes32(hex))).toBe(hex);
  });

  it.each([
    ['uppercase hex', hex.toUpperCase()],
    ['63 characters', hex.slice(1)],
    ['65 characters', `${hex}0`],
    ['an existing 0x prefix', `0x${hex}`],
  ])('refuses to make a bytes32 from %s', (_name, value) => {
    expect(() => toBytes32(value)).toThrow(TypeError);
  });

  it('reads a bytes32 written in upper or mixed case as lowercase hex', () => {
    expect(fromBytes32(`0x${hex.toUpperCase()}`)).toBe(hex);
    expect(fromBytes32(`0x${hex.slice(0, 32).toUpperCase()}${hex.slice(32)}`)).toBe(hex);
  });

  it.each([
    ['no 0x prefix', hex],
    ['a 0X prefix', `0X${hex}`],
    ['63 hex characters', `0x${hex.slice(1)}`],
    ['65 hex characters', `0x${hex}0`],
    ['a non-hex character', `0x${hex.slice(0, 63)}z`],
    ['a 20-byte address', '0x5FbDB2315678afecb367f032d93F642f64180aa3'],
  ])('refuses to read a bytes32 with %s', (_name, value) => {
    expect(() => fromBytes32(value)).toThrow(TypeError);
  });
});
