/**
 * RFC 8785 (JCS) canonical JSON: the single serialization every JSON hash in lendbridge is taken over.
 * A hash is only reproducible by another party if both sides agree on the exact bytes, so anything
 * that JSON cannot carry unambiguously is refused here instead of being silently dropped or coerced.
 * Error messages name the kind of value only, never the value, because the input may be a credit report.
 */

// With the `u` flag a well-formed surrogate pair is read as one code point, so only lone halves match.
// RFC 8785 requires I-JSON input, and a lone surrogate has no UTF-8 encoding to hash.
const LONE_SURROGATE = /\p{Cs}/u;

export function canonicalizeJson(value: unknown): string {
  return serialize(value, new Set<object>());
}

function serialize(value: unknown, ancestors: Set<object>): string {
  switch (typeof value) {
    case 'string':
      return serializeString(value);
    case 'number':
      if (!Number.isFinite(value)) {
        throw new TypeError(`canonicalizeJson: ${String(value)} has no JSON representation`);
      }
      // JSON.stringify applies the ECMAScript Number-to-String algorithm RFC 8785 §3.2.2.3 mandates (-0 → "0").
      return JSON.stringify(value);
    case 'boolean':
      return value ? 'true' : 'false';
    case 'object':
      if (value === null) return 'null';
      return serializeContainer(value, ancestors);
    default:
      // undefined, bigint, function, symbol: JSON either drops them or cannot express them.
      throw new TypeError(`canonicalizeJson: a value of type ${typeof value} has no JSON representation`);
  }
}

function serializeString(text: string): string {
  if (LONE_SURROGATE.test(text)) {
    throw new TypeError('canonicalizeJson: strings must be well-formed UTF-16 (found a lone surrogate)');
  }
  // JSON.stringify escapes exactly what RFC 8785 §3.2.2.2 requires, and in the same spelling.
  return JSON.stringify(text);
}

function serializeContainer(value: object, ancestors: Set<object>): string {
  if (ancestors.has(value)) {
    throw new TypeError('canonicalizeJson: circular structures have no JSON representation');
  }
  ancestors.add(value);
  try {
    return Array.isArray(value) ? serializeArray(value, ancestors) : serializeObject(value, ancestors);
  } finally {
    ancestors.delete(value);
  }
}

function serializeArray(items: readonly unknown[], ancestors: Set<object>): string {
  const parts: string[] = [];
  // Index access (not forEach) so holes surface as undefined and are refused like explicit undefined.
  for (let i = 0; i < items.length; i++) {
    if (items[i] === undefined) {
      throw new TypeError('canonicalizeJson: arrays may not contain undefined (JSON would turn it into null)');
    }
    parts.push(serialize(items[i], ancestors));
  }
  return `[${parts.join(',')}]`;
}

function serializeObject(value: object, ancestors: Set<object>): string {
  const proto: unknown = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) {
    // Dates, Maps, Buffers and class instances would serialize through toJSON or not at all.
    throw new TypeError('canonicalizeJson: only plain objects and arrays can be canonicalized');
  }
  const record = value as Record<string, unknown>;
  const members: string[] = [];
  // Own enumerable string keys only: nothing inherited leaks in, and `__proto__` is just a name here.
  // The default sort compares UTF-16 code units, which is the order RFC 8785 §3.2.3 specifies.
  for (const key of Object.keys(record).sort()) {
    const member = record[key];
    if (member === undefined) continue;
    members.push(`${serializeString(key)}:${serialize(member, ancestors)}`);
  }
  return `{${members.join(',')}}`;
}
