import { canonicalizeJson, hashJsonReport, hashReportBytes } from '#hashing';

// The message of what `action` throws, so a test can say what it must not contain.
function messageOf(action: () => unknown): string {
  try {
    action();
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error('expected the call to throw');
}

// sha256-jcs-v1 of hand-written canonical text, computed without parsing anything.
const hashOfCanonical = (canonical: string): string => hashReportBytes(Buffer.from(canonical, 'utf8')).hash;

describe('hashJsonReport reading report text strictly', () => {
  describe('repeated keys', () => {
    it('refuses a repeated top-level key, so {"score":500,"score":800} cannot pass for {"score":800}', () => {
      expect(() => hashJsonReport('{"score":500,"score":800}')).toThrow(SyntaxError);
      expect(() => hashJsonReport('{"score":500,"score":800}')).toThrow(/repeats a key/);
      expect(() => hashJsonReport('{"score":800}')).not.toThrow();
    });

    it.each([
      ['an object inside an object', '{"score":{"value":500,"band":"good","value":800}}'],
      ['an object inside an array', '{"accounts":[{"limit":1},{"limit":2,"type":"card","limit":3}]}'],
      ['an object after a closed nested one', '{"a":{"x":1},"b":[1,{"y":2}],"a":3}'],
      ['a top-level array', '[{"k":1,"k":1}]'],
    ])('refuses a key repeated in %s', (_where, text) => {
      expect(() => hashJsonReport(text)).toThrow(/repeats a key/);
    });

    it.each([
      ['\\u0061 and a', String.raw`{"a":1,"\u0061":2}`],
      ['an escaped quote and \\u0022', String.raw`{"a\"b":1,"a\u0022b":2}`],
      ['an escaped backslash and \\u005c', String.raw`{"a\\":1,"a\u005c":2}`],
      ['an escaped solidus and a plain one', String.raw`{"a/b":1,"a\/b":2}`],
      ['an emoji and its surrogate-pair escape', String.raw`{"😀":1,"\ud83d\ude00":2}`],
    ])('refuses keys that are the same once escapes are decoded: %s', (_spelling, text) => {
      expect(() => hashJsonReport(text)).toThrow(/repeats a key/);
    });

    it('gives the text offset of the repeated key, not the key', () => {
      expect(messageOf(() => hashJsonReport('{"score":500,"score":800}'))).toMatch(/at text offset 13\b/);
    });

    it.each([
      ['in sibling objects', '{"a":{"k":1},"b":{"k":2}}'],
      ['in an object and the object nested in it', '{"k":{"k":{"k":1}}}'],
      ['in array elements', '[{"k":1},{"k":2}]'],
      ['as a string value', '{"k":"k","v":"k"}'],
      ['as strings in an array', '{"k":["k","k"]}'],
      ['inside a string that looks like an object', String.raw`{"k":"{\"k\":1,\"k\":2}"}`],
      ['inside a string holding braces and commas', String.raw`{"k":"},{\"k\":","n":"[,]"}`],
    ])('accepts the same key name %s', (_where, text) => {
      expect(() => hashJsonReport(text)).not.toThrow();
    });

    it.each([
      ['a string ending in an escaped backslash', String.raw`{"x\\":1,"x":2}`],
      ['an escaped quote and an escaped backslash', String.raw`{"a\"b":1,"a\\b":2,"a":3}`],
      ['precomposed é and e with a combining accent', String.raw`{"é":1,"e\u0301":2}`],
      ['upper and lower case', '{"Score":1,"score":2}'],
    ])('accepts keys that only look alike: %s', (_spelling, text) => {
      expect(() => hashJsonReport(text)).not.toThrow();
    });

    it('hashes a report with look-alike keys as the canonical text that keeps all of them', () => {
      expect(hashJsonReport(String.raw`{"x\\":1,"x":2}`).hash).toBe(hashOfCanonical(String.raw`{"x":2,"x\\":1}`));
    });

    it('never quotes a repeated key or a value in the error', () => {
      const text = '{"name":"SECRET-NAME-123","SECRET-NAME-123":1,"SECRET-NAME-123":2}';
      const message = messageOf(() => hashJsonReport(text));
      expect(message).toMatch(/repeats a key/);
      expect(message).not.toContain('SECRET-NAME-123');
    });
  });

  describe('numbers', () => {
    it.each([
      ['an integer beyond 2^53', '12345678901234567890'],
      ['the same integer in exponent form', '1.2345678901234567890e19'],
      ['a negative integer beyond -(2^53)', '-12345678901234567890'],
      ['2^53, which 2^53 + 1 rounds to', '9007199254740992'],
      ['2^53 + 1', '9007199254740993'],
      ['a fraction that rounds to an integer beyond the safe range', '9007199254740991.5'],
      ['1e30, exact as a double but beyond the safe range', '1e30'],
      ['1E+30', '1E+30'],
    ])('refuses %s', (_name, literal) => {
      expect(() => hashJsonReport(`{"score":${literal}}`)).toThrow(RangeError);
      expect(() => hashJsonReport(`{"accounts":[{"limit":${literal}}]}`)).toThrow(/beyond ±9007199254740991/);
    });

    it.each([
      ['the largest safe integer', '9007199254740991', '9007199254740991'],
      ['the smallest safe integer', '-9007199254740991.0', '-9007199254740991'],
      ['an integer in exponent form', '1e15', '1000000000000000'],
      ['a decimal fraction', '1250.50', '1250.5'],
      ['a tiny fraction', '1.0e-7', '1e-7'],
      ['a fraction with more digits than a double holds, as its nearest double', '0.10000000000000000001', '0.1'],
    ])('accepts %s, hashing it as RFC 8785 writes it', (_name, literal, canonical) => {
      expect(hashJsonReport(`{"n":${literal}}`).hash).toBe(hashOfCanonical(`{"n":${canonical}}`));
    });

    it('refuses the same integers in a report that was parsed already, where the rounding has happened', () => {
      expect(() => hashJsonReport({ score: 2 ** 60 })).toThrow(RangeError);
      expect(() => hashJsonReport([{ limit: -1e30 }])).toThrow(RangeError);
      expect(() => hashJsonReport({ score: Number.MAX_SAFE_INTEGER })).not.toThrow();
    });

    it('leaves canonicalizeJson serializing 1e30 and 2^53, as RFC 8785 requires', () => {
      expect(canonicalizeJson([1e30, 2 ** 53])).toBe('[1e+30,9007199254740992]');
    });

    it('never quotes the number in the error', () => {
      const message = messageOf(() => hashJsonReport('{"score":12345678901234567890}'));
      expect(message).toMatch(/beyond/);
      // Both the written digits and their rounded double begin like this.
      expect(message).not.toContain('1234567890123456');
    });
  });

  it('refuses a leading U+FEFF in text, which is already decoded and so has no byte order mark', () => {
    expect(() => hashJsonReport('\ufeff{"score":712}')).toThrow('Credit report is not valid JSON');
  });

  it('keeps refusing text that is not JSON before looking for repeated keys', () => {
    expect(() => hashJsonReport('{"score":1,"score":2')).toThrow('Credit report is not valid JSON');
  });
});
