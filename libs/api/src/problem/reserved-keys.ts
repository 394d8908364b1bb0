import { fieldSegment, isReservedKey } from '#domain';
import { invalidRequest } from './problem.js';

const MAX_DEPTH = 16;
/** A UTF-16 surrogate with no partner: JSON can carry it (`"\ud800"`), Unicode text cannot. */
const LONE_SURROGATE = /\p{Cs}/u;

/**
 * Refuses keys that name object internals: `__proto__`, `constructor`, `prototype`, and every
 * other property objects inherit (`toString`, `valueOf`, ...). They are never data here, and
 * class-transformer would drop some of them silently, so a body carrying one would pass as if the
 * key were not there instead of being refused as the unknown property it is. Also bounds nesting,
 * and refuses text with a lone surrogate in any key or string: it is not Unicode, so nothing can
 * hash or sign it (canonical JSON refuses it), and it would otherwise surface as a server error.
 */
export function refuseReservedKeys(value: unknown, path: string, depth = 0): void {
  if (typeof value === 'string') {
    if (LONE_SURROGATE.test(value)) throw invalidRequest([{ field: path, message: 'is not valid Unicode text' }]);
    return;
  }
  if (typeof value !== 'object' || value === null) return;
  if (depth > MAX_DEPTH) throw invalidRequest([{ field: path, message: `nests deeper than ${MAX_DEPTH} levels` }]);
  for (const key of Object.keys(value)) {
    const field = `${path}.${fieldSegment(key)}`;
    if (isReservedKey(key)) {
      throw invalidRequest([{ field, message: 'this key is not allowed' }]);
    }
    if (LONE_SURROGATE.test(key)) throw invalidRequest([{ field, message: 'is not valid Unicode text' }]);
    refuseReservedKeys((value as Record<string, unknown>)[key], field, depth + 1);
  }
}
