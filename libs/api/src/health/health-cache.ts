/**
 * A probe's result is reused for this long (and one probe runs at a time, the others waiting for
 * it): anonymous callers cannot make the API hammer its dependencies.
 */
export const HEALTH_CACHE_MS = 5_000;
