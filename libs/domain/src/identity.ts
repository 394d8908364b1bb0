/**
 * One canonical value per person. Every rule that compares people (maker-checker, four-eyes, who
 * holds a claim) compares these, so "alice", "Alice", "alice " and a full-width "ａｌｉｃｅ" are one
 * reviewer, and a subject hiding control or invisible characters is refused at the token.
 * Pure and deterministic: the workflow's rules use it as well as the API.
 */

/** Longest canonical identity: long enough for any IdP's ids, short enough to store and log. */
export const MAX_IDENTITY_LENGTH = 256;

// Code points that show nothing, so a subject carrying one could pass for another person's:
// control (Cc), format (Cf: zero-width joiners, bidi marks), surrogate (Cs), private-use (Co),
// unassigned (Cn), line and paragraph separators, every default-ignorable code point (variation
// selectors, the combining grapheme joiner, Hangul fillers, ...) and the blank braille pattern.
const INVISIBLE = /[\p{Cc}\p{Cf}\p{Cs}\p{Co}\p{Cn}\p{Zl}\p{Zp}\p{Default_Ignorable_Code_Point}\u2800]/u;

/**
 * The canonical identity of a token subject: NFKC (full-width and compatibility forms folded),
 * white space trimmed and collapsed, case-folded (upper then lower case, so "STRASSE" and
 * "straße" and the two Greek sigmas meet). Undefined when the subject cannot name a person
 * unambiguously (empty, too long, or holding an invisible character).
 */
export function canonicalIdentity(subject: string): string | undefined {
  if (typeof subject !== 'string') return undefined;
  const folded = subject.normalize('NFKC');
  if (INVISIBLE.test(folded)) return undefined;
  let canonical = folded.replace(/\s+/gu, ' ').trim();
  // Case folding until nothing changes: one round is not always enough ("ẞ" lowers to "ß", which
  // uppers to "SS"), and a canonical form must be its own canonical form. Case folding can also
  // yield a form NFKC would write differently: normalised each round. Two or three rounds suffice.
  for (let round = 0; round < 4; round++) {
    const next = canonical.toUpperCase().toLowerCase().normalize('NFKC');
    if (next === canonical) break;
    canonical = next;
  }
  if (canonical.length === 0 || canonical.length > MAX_IDENTITY_LENGTH || INVISIBLE.test(canonical)) return undefined;
  return canonical;
}

/** True when two subjects name the same person. */
export function samePerson(a: string | undefined, b: string | undefined): boolean {
  if (a === undefined || b === undefined) return false;
  const [left, right] = [canonicalIdentity(a), canonicalIdentity(b)];
  return left !== undefined && left === right;
}
