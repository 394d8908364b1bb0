/**
 * The ledger's id of a document kind: the first 10 bytes of keccak256 over the kind's name (UTF-8),
 * as CreditReportRegistry stores it (`bytes10(keccak256(bytes(name)))`). The one place a name becomes
 * an id: the writer, the verifier, the CLIs and the development ledger all call this.
 */
import { keccak_256 } from '@noble/hashes/sha3.js';
import { bytesToHex, utf8ToBytes } from '@noble/hashes/utils.js';
import { DOCUMENT_KIND_NAME_MAX_LENGTH, isDocumentKindName } from '#domain/document-kinds';

/** Bytes in a kind id (bytes10 on chain). */
export const DOCUMENT_KIND_ID_BYTES = 10;

/** `0x` and 20 lowercase hex characters; throws on a name that is not a document kind name. */
export function documentKindId(name: string): string {
  if (!isDocumentKindName(name)) {
    throw new TypeError(
      `${JSON.stringify(String(name).slice(0, 64))} is not a document kind name: lowercase words joined by ` +
        `single hyphens, 3 to ${DOCUMENT_KIND_NAME_MAX_LENGTH} characters (e.g. personal-credit-report)`,
    );
  }
  return `0x${bytesToHex(keccak_256(utf8ToBytes(name)).subarray(0, DOCUMENT_KIND_ID_BYTES))}`;
}
