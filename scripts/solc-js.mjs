#!/usr/bin/env node
// solc-js (the `solc` npm package) as a native solc for Foundry (`forge --use scripts/solc-js.mjs`),
// so forge needs no compiler download: it answers --version and compiles --standard-json from stdin.
// Forge passes every source's content in the JSON, so its path flags (--base-path, --allow-paths,
// --include-path) are not needed and are ignored.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const solc = createRequire(import.meta.url)('solc');
const args = process.argv.slice(2);

if (args.includes('--version')) {
  console.log(`solc, the solidity compiler commandline interface\nVersion: ${solc.version()}`);
} else if (args.includes('--standard-json')) {
  const input = readFileSync(0, 'utf8');
  // Imports forge did not inline are read from disk, relative to where forge runs.
  const findImport = (path) => {
    try {
      return { contents: readFileSync(path, 'utf8') };
    } catch {
      return { error: `not found: ${path}` };
    }
  };
  process.stdout.write(solc.compile(input, { import: findImport }));
} else {
  console.error('scripts/solc-js.mjs: only --version and --standard-json are supported');
  process.exit(2);
}
