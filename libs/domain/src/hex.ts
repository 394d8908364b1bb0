/**
 * 32-byte values written in hex, defined once: SHA-256 digests, keys and salts as lendbridge writes
 * them, and the EVM's bytes32 in the two spellings lendbridge meets. Every validator (the API's DTOs,
 * the configuration schema, the workflow's rules, the hashing and ledger libs, the command-line
 * tools) tests against these, so a pattern can never differ from one layer to the next.
 *
 * Case rules: what lendbridge writes and compares is lowercase only (one value, one spelling).
 * Only input from EVM tooling (bytes32 from a node or a block explorer, a private key) may use
 * either case of the hex digits; such input is lowercased before use. The `0x` prefix is always
 * lowercase.
 */

/** 32 bytes as 64 lowercase hexadecimal characters, no prefix: SHA-256 digests, HMAC and payload keys, salts. */
export const HEX32_PATTERN = /^[0-9a-f]{64}$/;

export function isHex32(value: unknown): value is string {
  return typeof value === 'string' && HEX32_PATTERN.test(value);
}

/** A SHA-256 digest as lendbridge writes it: HEX32_PATTERN (64 lowercase hex characters). */
export const SHA256_HEX_PATTERN = HEX32_PATTERN;
/** Whether a value is a SHA-256 digest as lendbridge writes it (see isHex32). */
export const isSha256Hex = isHex32;

/** A bytes32 as lendbridge writes it (API input, workflow state): `0x` and 64 lowercase hex characters. */
export const BYTES32_PATTERN = /^0x[0-9a-f]{64}$/;

export function isBytes32(value: unknown): value is string {
  return typeof value === 'string' && BYTES32_PATTERN.test(value);
}

/**
 * A bytes32 (or a private key) as EVM tooling may write it: `0x` and 64 hex digits of either case.
 * Lowercase it before comparing or storing.
 */
export const BYTES32_ANY_CASE_PATTERN = /^0x[0-9a-fA-F]{64}$/;

export function isBytes32AnyCase(value: unknown): value is string {
  return typeof value === 'string' && BYTES32_ANY_CASE_PATTERN.test(value);
}

/**
 * An EVM address (an issuer, a contract) as input may write it: `0x` and 40 hex digits of either
 * case (EIP-55 checksums mix cases). Compare with sameAddress; store lowercased.
 */
export const ADDRESS_ANY_CASE_PATTERN = /^0x[0-9a-fA-F]{40}$/;

export function isAddressAnyCase(value: unknown): value is string {
  return typeof value === 'string' && ADDRESS_ANY_CASE_PATTERN.test(value);
}

/** Whether two values are the same EVM address, whatever the case of their hex digits; false unless both are addresses. */
export function sameAddress(a: unknown, b: unknown): boolean {
  return isAddressAnyCase(a) && isAddressAnyCase(b) && a.toLowerCase() === b.toLowerCase();
}
