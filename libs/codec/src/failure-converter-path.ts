import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/**
 * The failure converter's file, for `failureConverterPath` and `bundleWorkflowCode`, which load it
 * by path: the worker with `require()`, the bundler with webpack.
 *
 * In a source checkout (tsx, ts-jest) that is the CommonJS twin, because Jest on Node 20 refuses to
 * `require()` an ES module. Under dist/ it is the compiled ES module, which Node 20.19+ requires
 * natively (the twin is not compiled, so it is not there).
 */
export function failureConverterPath(): string {
  const source = fileURLToPath(new URL('./failure-converter.ts', import.meta.url));
  return existsSync(source)
    ? fileURLToPath(new URL('./cjs/failure-converter.js', import.meta.url))
    : fileURLToPath(new URL('./failure-converter.js', import.meta.url));
}
