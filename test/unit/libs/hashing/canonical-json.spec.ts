import { canonicalizeJson } from '#hashing';

// Decodes an IEEE-754 double from the 16 hex digits RFC 8785 Appendix B lists it by.
function doubleFromHex(hex: string): number {
  return Buffer.from(hex, 'hex').readDoubleBE(0);
}

// [1, <hole>, 3], built without a sparse literal.
function withHole(): unknown[] {
  const items: unknown[] = [1];
  items[2] = 3;
  return items;
}

describe('canonicalizeJson', () => {
  describe('RFC 8785 examples', () => {
    it('serializes the §3.2.2 primitives example exactly as the RFC prints it', () => {
      // The RFC's input, with its escapes exactly as written there; JSON.parse decodes them.
      const input = JSON.parse(
        String.raw`{
          "numbers": [333333333.33333329, 1E30, 4.50, 2e-3, 0.000000000000000000000000001],
          "string": "\u20ac$\u000F\u000aA'\u0042\u0022\u005c\\\"\/",
          "literals": [null, true, false]
        }`,
      );
      const expected = String.raw`{"literals":[null,true,false],"numbers":[333333333.3333333,1e+30,4.5,0.002,1e-27],"string":"€$\u000f\nA'B\"\\\\\"/"}`;
      expect(canonicalizeJson(input)).toBe(expected);
    });

    it('sorts the §3.2.3 keys by UTF-16 code units, placing the emoji surrogate pair before U+FB33', () => {
      const input = JSON.parse(
        String.raw`{
          "\u20ac": "Euro Sign",
          "\r": "Carriage Return",
          "\ufb33": "Hebrew Letter Dalet With Dagesh",
          "1": "One",
          "\ud83d\ude00": "Emoji: Grinning Face",
          "\u0080": "Control",
          "\u00f6": "Latin Small Letter O With Diaeresis"
        }`,
      );
      const expected =
        String.raw`{"\r":"Carriage Return","1":"One","` +
        '\u0080":"Control","\u00f6":"Latin Small Letter O With Diaeresis","\u20ac":"Euro Sign",' +
        '"\u{1f600}":"Emoji: Grinning Face","\ufb33":"Hebrew Letter Dalet With Dagesh"}';
      expect(canonicalizeJson(input)).toBe(expected);
    });

    // Appendix B: IEEE-754 bit pattern → canonical text.
    it.each([
      ['0000000000000000', '0'],
      ['8000000000000000', '0'],
      ['0000000000000001', '5e-324'],
      ['8000000000000001', '-5e-324'],
      ['7fefffffffffffff', '1.7976931348623157e+308'],
      ['ffefffffffffffff', '-1.7976931348623157e+308'],
      ['4340000000000000', '9007199254740992'],
      ['c340000000000000', '-9007199254740992'],
      ['4430000000000000', '295147905179352830000'],
      ['44b52d02c7e14af5', '9.999999999999997e+22'],
      ['44b52d02c7e14af6', '1e+23'],
      ['44b52d02c7e14af7', '1.0000000000000001e+23'],
      ['444b1ae4d6e2ef4e', '999999999999999700000'],
      ['444b1ae4d6e2ef4f', '999999999999999900000'],
      ['444b1ae4d6e2ef50', '1e+21'],
      ['3eb0c6f7a0b5ed8c', '9.999999999999997e-7'],
      ['3eb0c6f7a0b5ed8d', '0.000001'],
      ['41b3de4355555553', '333333333.3333332'],
      ['41b3de4355555554', '333333333.33333325'],
      ['41b3de4355555555', '333333333.3333333'],
      ['41b3de4355555556', '333333333.3333334'],
      ['41b3de4355555557', '333333333.33333343'],
      ['becbf647612f3696', '-0.0000033333333333333333'],
      ['43143ff3c1cb0959', '1424953923781206.2'],
    ])('serializes the double 0x%s as %s', (hex, expected) => {
      expect(canonicalizeJson(doubleFromHex(hex))).toBe(expected);
      expect(canonicalizeJson([doubleFromHex(hex)])).toBe(`[${expected}]`);
    });

    it.each([
      ['7fffffffffffffff', 'NaN'],
      ['7ff0000000000000', 'Infinity'],
      ['fff0000000000000', '-Infinity'],
    ])('refuses the double 0x%s (%s), which JSON cannot represent', (hex) => {
      expect(() => canonicalizeJson(doubleFromHex(hex))).toThrow(TypeError);
      expect(() => canonicalizeJson({ amount: doubleFromHex(hex) })).toThrow(/no JSON representation/);
    });
  });

  it('sorts keys at every depth while keeping array order', () => {
    const input = { z: [{ b: 1, a: [3, 2, { y: true, x: null }] }, 'first'], a: { d: {}, c: [] } };
    expect(canonicalizeJson(input)).toBe('{"a":{"c":[],"d":{}},"z":[{"a":[3,2,{"x":null,"y":true}],"b":1},"first"]}');
  });

  it('gives the same output whatever order the keys were inserted in', () => {
    expect(canonicalizeJson({ b: 2, a: { y: 1, x: 0 } })).toBe(canonicalizeJson({ a: { x: 0, y: 1 }, b: 2 }));
  });

  it('writes negative zero as 0', () => {
    expect(canonicalizeJson(-0)).toBe('0');
    expect(canonicalizeJson({ delta: -0 })).toBe('{"delta":0}');
  });

  it('skips object properties whose value is undefined, like JSON.stringify', () => {
    expect(canonicalizeJson({ b: undefined, a: 1, c: { d: undefined } })).toBe('{"a":1,"c":{}}');
  });

  it('treats a __proto__ key parsed from JSON as ordinary data', () => {
    const parsed = JSON.parse('{"b":2,"__proto__":{"a":1}}');
    expect(canonicalizeJson(parsed)).toBe('{"__proto__":{"a":1},"b":2}');
  });

  it('refuses objects that inherit from anything but Object.prototype, rather than reading only part of them', () => {
    const child: Record<string, unknown> = Object.create(
      { inherited: 'no' },
      { own: { value: 'yes', enumerable: true } },
    );
    expect(() => canonicalizeJson(child)).toThrow(TypeError);
  });

  it('accepts objects without a prototype', () => {
    const bare: Record<string, unknown> = Object.create(null);
    bare.own = 'yes';
    expect(canonicalizeJson(bare)).toBe('{"own":"yes"}');
  });

  it('escapes strings the way JSON.stringify does', () => {
    expect(canonicalizeJson('tab\tquote"backslash\\ nul\u0000 del\u007f é')).toBe(
      '"tab\\tquote\\"backslash\\\\ nul\\u0000 del\u007f é"',
    );
  });

  it.each([
    ['undefined at top level', undefined],
    ['undefined in an array', [1, undefined]],
    ['a hole in an array', withHole()],
    ['a bigint', 10n],
    ['a bigint inside an object', { amount: 10n }],
    ['a function', () => 1],
    ['a symbol', Symbol('s')],
    ['a symbol as a property value', { s: Symbol('s') }],
    ['a Date', new Date(0)],
    ['a Map', new Map([['a', 1]])],
    ['a lone surrogate in a string', 'x\ud800y'],
    ['a lone surrogate in a key', { '\udc00': 1 }],
  ])('throws a TypeError for %s', (_name, value) => {
    expect(() => canonicalizeJson(value)).toThrow(TypeError);
  });

  it('throws a TypeError for circular structures instead of overflowing the stack', () => {
    const loop: Record<string, unknown> = { a: 1 };
    loop.self = loop;
    expect(() => canonicalizeJson(loop)).toThrow(/circular/);
  });

  it('accepts the same object twice when it is not its own ancestor', () => {
    const shared = { k: 1 };
    expect(canonicalizeJson({ a: shared, b: [shared, shared] })).toBe('{"a":{"k":1},"b":[{"k":1},{"k":1}]}');
  });
});
