import { keccak256, toUtf8Bytes } from 'ethers';
import { STANDARD_DOCUMENT_KINDS, StandardDocumentKind } from '#domain';
import { documentKindId } from '#hashing';

// ethers' keccak256 is an implementation independent of the one under test (@noble/hashes).
const reference = (name: string): string => keccak256(toUtf8Bytes(name)).slice(0, 2 + 20);

describe('documentKindId', () => {
  it('is bytes10(keccak256(bytes(name))), as the registry stores a kind', () => {
    for (const name of STANDARD_DOCUMENT_KINDS) {
      expect(documentKindId(name)).toBe(reference(name));
      expect(documentKindId(name)).toMatch(/^0x[0-9a-f]{20}$/);
    }
  });

  it('gives the standard kinds distinct ids', () => {
    const ids = STANDARD_DOCUMENT_KINDS.map(documentKindId);
    expect(new Set(ids).size).toBe(STANDARD_DOCUMENT_KINDS.length);
    expect(STANDARD_DOCUMENT_KINDS).toContain(StandardDocumentKind.BANK_STATEMENT);
  });

  it('refuses a name that is not a document kind name, saying what a name is', () => {
    for (const bad of [
      '',
      'ab',
      'Personal-Credit-Report',
      'bank--statement',
      'bank statement',
      '-bank',
      'a'.repeat(49),
    ]) {
      expect(() => documentKindId(bad)).toThrow(
        /is not a document kind name: lowercase words joined by single hyphens/,
      );
    }
    expect(() => documentKindId(undefined as unknown as string)).toThrow(TypeError);
  });
});
