// Jest runs in native ESM mode (NODE_OPTIONS=--experimental-vm-modules, set by `npm test`): Nest 12
// ships only ES modules, and Jest loads those through Node's vm modules, still behind that flag on
// Node 24 (without it Jest refuses the first ES module). Node's own require(esm) does not help here:
// Jest resolves and runs every module itself.
const tsJest = ['ts-jest', { useESM: true, tsconfig: 'tsconfig.json' }];

/** @type {import('jest').Config} */
const common = {
  extensionsToTreatAsEsm: ['.ts'],
  transform: { '^.+\\.ts$': tsJest },
  // Source imports name the emitted `.js`; map them back to the `.ts` files under test.
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  testEnvironment: 'node',
  // Built copies (dist/package, dist/apps) carry package.json files named like the repository's.
  modulePathIgnorePatterns: ['<rootDir>/dist/'],
  setupFiles: ['<rootDir>/test/support/quiet-logs.ts', '<rootDir>/test/support/commonjs-nest-libraries.ts'],
};

/** @type {import('jest').Config} */
export default {
  globalSetup: '<rootDir>/test/global-setup.mjs',
  // Fails a run that would otherwise never exit (see there).
  globalTeardown: '<rootDir>/test/global-teardown.mjs',
  // Workflow and integration tests start real servers and workers; a unit test never nears this.
  testTimeout: 60_000,
  projects: [
    // Pure logic; no servers.
    { ...common, displayName: 'unit', testMatch: ['<rootDir>/test/unit/**/*.spec.ts'] },
    // Workflows on the Java time-skipping test server: days of timers in seconds.
    { ...common, displayName: 'workflows', testMatch: ['<rootDir>/test/workflows/**/*.spec.ts'] },
    // The real dev server, anvil and HTTP server, each started on free ports by the test.
    {
      ...common,
      displayName: 'integration',
      testMatch: ['<rootDir>/test/integration/**/*.spec.ts'],
      testTimeout: 60_000,
    },
  ],
};
