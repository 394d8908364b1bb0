import {
  BYTES32_ANY_CASE_PATTERN,
  BYTES32_PATTERN,
  HEX32_PATTERN,
  isBytes32,
  isBytes32AnyCase,
  isAddressAnyCase,
  isHex32,
  sameAddress,
  SHA256_HEX_PATTERN,
} from '#domain';

describe('32-byte hex values', () => {
  const lower = 'ab'.repeat(32);
  const mixed = 'aB'.repeat(32);

  it('reads a digest, key or salt as 64 lowercase hex, no prefix', () => {
    expect(isHex32(lower)).toBe(true);
    expect(SHA256_HEX_PATTERN).toBe(HEX32_PATTERN);
    for (const bad of [mixed, lower.slice(1), `${lower}0`, `0x${lower}`, ` ${lower}`, 'g'.repeat(64), 42, undefined]) {
      expect(isHex32(bad)).toBe(false);
    }
  });

  it('reads a bytes32 as lendbridge writes it: 0x and lowercase only', () => {
    expect(isBytes32(`0x${lower}`)).toBe(true);
    expect(BYTES32_PATTERN.test(`0x${lower}`)).toBe(true);
    for (const bad of [`0x${mixed}`, `0X${lower}`, lower, `0x${lower.slice(1)}`, null]) {
      expect(isBytes32(bad)).toBe(false);
    }
  });

  it('reads a bytes32 from EVM tooling in either case of the digits, never with 0X', () => {
    expect(isBytes32AnyCase(`0x${lower}`)).toBe(true);
    expect(isBytes32AnyCase(`0x${mixed}`)).toBe(true);
    expect(BYTES32_ANY_CASE_PATTERN.test(`0x${'AB'.repeat(32)}`)).toBe(true);
    for (const bad of [`0X${lower}`, lower, `0x${lower}0`, {}]) {
      expect(isBytes32AnyCase(bad)).toBe(false);
    }
  });
});

describe('sameAddress', () => {
  it('compares EVM addresses whatever the case of their digits, and nothing else', () => {
    const lower = '0x' + 'ab'.repeat(20);
    expect(sameAddress(lower, '0x' + 'AB'.repeat(20))).toBe(true);
    expect(sameAddress(lower, '0x' + 'cd'.repeat(20))).toBe(false);
    for (const other of [undefined, null, 'ab'.repeat(20), '0X' + 'ab'.repeat(20), lower + '0', 42])
      expect(sameAddress(lower, other)).toBe(false);
    expect(isAddressAnyCase('0x' + 'aB'.repeat(20))).toBe(true);
  });
});
