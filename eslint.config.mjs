// @ts-check
import { builtinModules } from 'node:module';
import eslint from '@eslint/js';
import prettier from 'eslint-config-prettier';
import { createTypeScriptImportResolver } from 'eslint-import-resolver-typescript';
import { importX } from 'eslint-plugin-import-x';
import tseslint from 'typescript-eslint';

// How many of our own modules import-x/no-cycle follows from each file looking for a way back.
const MAX_CYCLE_DEPTH = Infinity;

// Everywhere: the Temporal SDK only through its packages' public entry points. Its `lib/` files
// are internals that move between releases without notice.
const sdkInternals = {
  group: ['@temporalio/*/lib', '@temporalio/*/lib/**'],
  message: "Temporal SDK internals: import from the package's public index (e.g. '@temporalio/common').",
};

// Everywhere: libraries, workflows, activities, the stack and the test support by name (the
// `imports` of package.json), not by climbing folders; a module reaches only its siblings and its
// parent folder's files by a relative path.
const climbing = {
  group: ['../../*', '**/libs/*/src', '**/libs/*/src/**'],
  message: "Import it by name (package.json imports, e.g. '#domain' or '#api/auth/dev-token').",
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
    climbing,
    { group: ['@nestjs/*'], allowTypeImports: true, message: 'Workflow code may not import Nest.' },
    {
      group: ['ethers', 'ethers/*'],
      allowTypeImports: true,
      message: 'Workflow code may not import ethers: use an activity.',
    },
    {
      // `#` starts a comment in these gitignore-style patterns: escaped, it names the import.
      group: ['config', 'ledger', 'temporal', 'activities', 'api', 'worker', 'codec', 'hashing', 'webhooks']
        .flatMap((name) => [`\\#${name}`, `\\#${name}/*`])
        .concat(['\\#stack/*', '\\#tools/*', '\\#test-support/*', '**/apps/**']),
      allowTypeImports: true,
      message: 'Workflow code imports values only from libs/domain (pure types, constants and functions).',
    },
  ],
};

// The typed client is what a loan system runs, wherever `fetch` exists (a browser, a serverless
// function, Node): it imports openapi-fetch and its own files, never Node, Nest or the server's libs.
const clientBannedImports = {
  paths: [...builtinModules, ...builtinModules.map((m) => `node:${m}`)].map((name) => ({
    name,
    message: 'The client runs wherever fetch exists: no Node built-ins.',
  })),
  patterns: [
    climbing,
    {
      group: ['@nestjs/*', '@temporalio/*', 'ethers', 'ethers/*', '\\#*'],
      message: 'The client depends on openapi-fetch alone: no Nest, Temporal, ethers or server libs.',
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
      'no-restricted-imports': ['error', { patterns: [sdkInternals, climbing] }],
    },
  },
  {
    // Import order, and no import cycles. Sources name the emitted `.js` of a `.ts` file, which
    // the TypeScript resolver maps back; import-x parses every dependency it follows as TypeScript.
    plugins: { 'import-x': importX },
    settings: {
      'import-x/extensions': ['.ts', '.js', '.mjs', '.cjs'],
      'import-x/external-module-folders': ['node_modules', 'node_modules/@types'],
      'import-x/parsers': { '@typescript-eslint/parser': ['.ts'] },
      'import-x/resolver-next': [createTypeScriptImportResolver({ project: 'tsconfig.json' })],
    },
    rules: {
      'import-x/order': [
        'error',
        {
          groups: ['builtin', 'external', ['internal', 'parent', 'sibling', 'index']],
          'newlines-between': 'never',
          alphabetize: { order: 'asc', caseInsensitive: true },
        },
      ],
      // Packages are not followed (ignoreExternal); MAX_CYCLE_DEPTH bounds the walk through ours.
      'import-x/no-cycle': ['error', { maxDepth: MAX_CYCLE_DEPTH, ignoreExternal: true }],
    },
  },
  {
    // The standalone apps are hosts of the package, built as a bank builds its own: they reach
    // lendbridge only through its public entries (`lendbridge`, `lendbridge/worker`), never a `#name`.
    files: ['apps/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            sdkInternals,
            climbing,
            {
              group: ['\\#*'],
              message: "apps import the package's public entries: 'lendbridge' or 'lendbridge/worker'.",
            },
          ],
        },
      ],
    },
  },
  {
    // Replaces the rule's options above for workflows, so workflowBannedImports carries sdkInternals too.
    files: ['workflows/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', workflowBannedImports] },
  },
  {
    files: ['libs/client/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', clientBannedImports] },
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
    files: ['libs/api/src/console/**/*.js'],
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
