// @ts-check
import eslint from '@eslint/js';
import prettier from 'eslint-config-prettier';
import tseslint from 'typescript-eslint';
import { builtinModules } from 'node:module';

// Everywhere: the Temporal SDK only through its packages' public entry points. Its `lib/` files
// are internals that move between releases without notice.
const sdkInternals = {
  group: ['@temporalio/*/lib', '@temporalio/*/lib/**'],
  message: "Temporal SDK internals: import from the package's public index (e.g. '@temporalio/common').",
};

// Workflow code runs in Temporal's deterministic sandbox and is bundled on its own: it may not
// reach Node built-ins, Nest, ethers, or the libs that wrap I/O. Type-only imports are erased by
// the bundler, so they stay allowed (a workflow names its activities' types).
const workflowBannedImports = {
  paths: [...builtinModules, ...builtinModules.map((m) => `node:${m}`)].map((name) => ({
    name,
    allowTypeImports: true,
    message: 'Workflow code is deterministic: no Node built-ins (do I/O in an activity).',
  })),
  patterns: [
    sdkInternals,
    { group: ['@nestjs/*'], allowTypeImports: true, message: 'Workflow code may not import Nest.' },
    {
      group: ['ethers', 'ethers/*'],
      allowTypeImports: true,
      message: 'Workflow code may not import ethers: use an activity.',
    },
    {
      group: ['**/libs/config/**', '**/libs/ledger/**', '**/libs/temporal/**', '**/activities/**', '**/apps/**'],
      allowTypeImports: true,
      message: 'Workflow code imports values only from libs/domain (pure types, constants and functions).',
    },
  ],
};

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', '.data/**', 'coverage/**', 'test-artifacts/**', 'bench/results/**'] },
  eslint.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      '@typescript-eslint/explicit-module-boundary-types': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      eqeqeq: ['error', 'always'],
      'no-console': 'off',
      'no-restricted-imports': ['error', { patterns: [sdkInternals] }],
    },
  },
  {
    // Replaces the rule's options above for workflows, so workflowBannedImports carries sdkInternals too.
    files: ['workflows/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', workflowBannedImports] },
  },
  {
    files: ['**/*.mjs', '**/*.js'],
    ...tseslint.configs.disableTypeChecked,
    languageOptions: {
      ...tseslint.configs.disableTypeChecked.languageOptions,
      globals: { process: 'readonly', console: 'readonly' },
    },
    rules: { ...tseslint.configs.disableTypeChecked.rules, '@typescript-eslint/explicit-module-boundary-types': 'off' },
  },
  {
    // The reviewer console's script runs in the browser as a plain ES module.
    files: ['apps/api/src/console/**/*.js'],
    languageOptions: {
      sourceType: 'module',
      globals: Object.fromEntries(
        [
          'window',
          'document',
          'location',
          'history',
          'sessionStorage',
          'fetch',
          'atob',
          'setTimeout',
          'clearTimeout',
          'Node',
          'FormData',
          'URLSearchParams',
          'TextDecoder',
        ].map((name) => [name, 'readonly']),
      ),
    },
  },
  {
    // Tests read loose JSON and call contract functions through ethers' dynamic Contract, which is
    // typed `any`; the rules that catch real bugs (floating promises, type imports) stay on.
    files: ['test/**/*.ts', '**/*.spec.ts'],
    rules: {
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
      '@typescript-eslint/explicit-module-boundary-types': 'off',
    },
  },
  prettier,
);
