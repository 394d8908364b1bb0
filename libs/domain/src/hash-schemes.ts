/**
 * How a document's or report's bytes became its hash, so whoever holds the file can compute the
 * same digest again: SHA-256 of the raw bytes, or of the JSON canonicalised (RFC 8785). The names
 * only; the hashing itself is libs/hashing's.
 */
export const HASH_SCHEMES = ['sha256-raw-v1', 'sha256-jcs-v1'] as const;
export type HashScheme = (typeof HASH_SCHEMES)[number];

export function isHashScheme(value: unknown): value is HashScheme {
  return (HASH_SCHEMES as readonly unknown[]).includes(value);
}
