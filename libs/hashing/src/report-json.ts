/**
 * The strict reading of a JSON report that sha256-jcs-v1 hashes. The hash must stand for what a reviewer
 * reads in the file, but JSON.parse and IEEE-754 doubles both drop information silently: a repeated key
 * keeps only its last value, and a large integer is rounded. Two different files would then share a hash
 * while a viewer shows either of them, so both are refused here instead.
 * Messages give offsets at most, never keys or values: the text is a credit report.
 */

/** Decoding for callers that hold a file's bytes: the same file must always decode to the same text. */
export function decodeReportJson(bytes: Uint8Array): string {
  // fatal: a U+FFFD replacement would give files with different invalid bytes the same hash.
  // ignoreBOM: false consumes one leading byte order mark. It marks the encoding, not content, and
  // RFC 8259 §8.1 lets parsers ignore it; Windows editors add it, and refusing would gain nothing.
  const decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });
  try {
    return decoder.decode(bytes);
  } catch {
    throw new SyntaxError('Credit report is not valid UTF-8');
  }
}

export function parseReportJson(text: string): unknown {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    // The parser's message quotes the input, so neither it nor the error itself is passed on.
    throw new SyntaxError('Credit report is not valid JSON');
  }
  const duplicateAt = findDuplicateKey(text);
  if (duplicateAt !== -1) {
    throw new SyntaxError(`Credit report repeats a key within one object (at text offset ${duplicateAt})`);
  }
  return value;
}

/**
 * Offset (UTF-16 code units) of the first key that repeats an earlier key of the same object, or -1.
 * Only called on text JSON.parse accepted, so it needs no grammar: just where objects open and close,
 * and where strings start and end, so that braces, commas and quotes inside strings are not structure.
 */
function findDuplicateKey(text: string): number {
  // Per open container: the keys an object has had so far, or null for an array.
  const open: (Set<string> | null)[] = [];
  let nextStringIsKey = false;
  for (let i = 0; i < text.length; i++) {
    const char = text[i];
    if (char === '{' || char === '[') {
      open.push(char === '{' ? new Set() : null);
      nextStringIsKey = char === '{';
    } else if (char === '}' || char === ']') {
      open.pop();
    } else if (char === ',') {
      nextStringIsKey = open.at(-1) instanceof Set;
    } else if (char === '"') {
      const end = endOfString(text, i);
      const keys = open.at(-1);
      if (nextStringIsKey && keys) {
        // Compared after unescaping, as JSON.parse compares them: "a" and "\u0061" are the same key.
        const key = JSON.parse(text.slice(i, end + 1)) as string;
        if (keys.has(key)) return i;
        keys.add(key);
      }
      nextStringIsKey = false;
      i = end;
    }
  }
  return -1;
}

/** Index of the quote closing the string that opens at `start`. */
function endOfString(text: string, start: number): number {
  let i = start + 1;
  // A backslash always escapes exactly the next character, so \" and \\ are stepped over whole.
  while (i < text.length && text[i] !== '"') i += text[i] === '\\' ? 2 : 1;
  return i;
}

/**
 * Refuses integers a double cannot hold exactly, whether written 12345678901234567890 or 1.2e19: the
 * literal was already rounded by parsing, so hashing would cover a number the file does not contain.
 * Every double beyond ±(2^53 − 1) is an integer, so this refuses all such magnitudes, 1e30 included;
 * 2^53 itself too, because 9007199254740993 parses to it. Fractions keep the nearest-double rule RFC
 * 8785 is built on. This lives here and not in canonicalizeJson: a double is exact by the time it
 * reaches the canonicalizer, whose RFC test vectors (1e+30, 2^53) must still serialize.
 * Call only on values canonicalizeJson accepted, which rules out cycles.
 */
export function refuseInexactIntegers(value: unknown): void {
  if (hasInexactInteger(value)) {
    throw new RangeError(
      `Credit report holds an integer beyond ±${Number.MAX_SAFE_INTEGER}, which JavaScript cannot represent ` +
        'exactly; such values must be sent as strings',
    );
  }
}

function hasInexactInteger(value: unknown): boolean {
  if (typeof value === 'number') return Number.isInteger(value) && !Number.isSafeInteger(value);
  if (typeof value !== 'object' || value === null) return false;
  return Object.values(value).some(hasInexactInteger);
}
