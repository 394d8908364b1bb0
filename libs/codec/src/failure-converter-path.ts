import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/**
 * The failure converter's file, for `failureConverterPath` and `bundleWorkflowCode`, which load it
 * by path: the worker with `require()`, the bundler with webpack.
 *
 * In a source checkout (tsx, ts-jest) that is the CommonJS twin. On Node 24 the worker's `require()`
 * of the TypeScript source works under tsx and Jest alike, and tsx bundles it, but the workflow
 * bundler run inside Jest fails on it (a webpack module-hashing error, then a require() after the
 * test environment is gone; seen with Jest 30.5), so the twin stays until that is understood. Under
 * dist/ it is the compiled ES module, which Node requires natively (the twin is not compiled).
 */
export function failureConverterPath(): string {
  const source = fileURLToPath(new URL('./failure-converter.ts', import.meta.url));
  return existsSync(source)
    ? fileURLToPath(new URL('./cjs/failure-converter.js', import.meta.url))
    : fileURLToPath(new URL('./failure-converter.js', import.meta.url));
}
