import { fieldSegment, isReservedKey } from '#domain';
import { invalidRequest } from './problem.js';

const MAX_DEPTH = 16;

/**
 * Refuses keys that name object internals: `__proto__`, `constructor`, `prototype`, and every
 * other property objects inherit (`toString`, `valueOf`, ...). They are never data here, and
 * class-transformer would drop some of them silently, so a body carrying one would pass as if the
 * key were not there instead of being refused as the unknown property it is. Also bounds nesting.
 */
export function refuseReservedKeys(value: unknown, path: string, depth = 0): void {
  if (typeof value !== 'object' || value === null) return;
  if (depth > MAX_DEPTH) throw invalidRequest([{ field: path, message: `nests deeper than ${MAX_DEPTH} levels` }]);
  for (const key of Object.keys(value)) {
    const field = `${path}.${fieldSegment(key)}`;
    if (isReservedKey(key)) {
      throw invalidRequest([{ field, message: 'this key is not allowed' }]);
    }
    refuseReservedKeys((value as Record<string, unknown>)[key], field, depth + 1);
  }
}
