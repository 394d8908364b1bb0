import { ESLint } from 'eslint';

// The determinism rule is only as good as its configuration: lint real snippets as if they were
// files under workflows/ and check what is refused and what is let through.
const FIXTURES = ['workflows/lint-fixture.ts', 'activities/lint-fixture.ts'];
const CLIENT_FIXTURE = 'libs/client/src/lint-fixture.ts';
const eslint = new ESLint({
  cwd: process.cwd(),
  // The fixtures exist only in memory; let the type-aware parser accept them outside tsconfig.
  overrideConfig: {
    languageOptions: { parserOptions: { projectService: { allowDefaultProject: [...FIXTURES, CLIENT_FIXTURE] } } },
  },
});

async function lint(source: string, filePath: string): Promise<ESLint.LintResult['messages']> {
  const [result] = await eslint.lintText(source, { filePath });
  const messages = result?.messages ?? [];
  // A parse failure reports no rule at all; it must not pass for "nothing was restricted".
  expect(messages.filter((m) => m.fatal)).toEqual([]);
  return messages;
}

async function restrictedImportMessages(source: string): Promise<string[]> {
  const messages = await lint(source, 'workflows/lint-fixture.ts');
  return messages.filter((m) => m.ruleId === 'no-restricted-imports').map((m) => m.message);
}

describe('client import rules', () => {
  const clientMessages = async (source: string): Promise<string[]> =>
    (await lint(source, CLIENT_FIXTURE)).filter((m) => m.ruleId === 'no-restricted-imports').map((m) => m.message);

  it.each([
    ["import { readFile } from 'node:fs/promises';\nexport const f = readFile;\n", 'no Node built-ins'],
    ["import { Injectable } from '@nestjs/common';\nexport const f = Injectable;\n", 'no Nest'],
    ["import { loadConfig } from '#config';\nexport const f = loadConfig;\n", 'server libs'],
  ])('refuses %j in the client, which runs wherever fetch exists', async (source, reason) => {
    expect((await clientMessages(source)).join('\n')).toContain(reason);
  });

  it('allows openapi-fetch and its own files', async () => {
    const source =
      "import createClient from 'openapi-fetch';\nimport { unwrap } from './lendbridge-client.js';\nexport const f = [createClient, unwrap];\n";
    expect(await clientMessages(source)).toEqual([]);
  });
});

describe('workflow import rules', () => {
  it.each([
    ["import { readFileSync } from 'node:fs';\nexport const f = readFileSync;\n", 'Node built-ins'],
    ["import { randomUUID } from 'crypto';\nexport const f = randomUUID;\n", 'Node built-ins'],
    ["import { Injectable } from '@nestjs/common';\nexport const f = Injectable;\n", 'Nest'],
    ["import { Wallet } from 'ethers';\nexport const f = Wallet;\n", 'ethers'],
    ["import { LedgerClient } from '#ledger';\nexport const f = LedgerClient;\n", 'libs/domain'],
    ["import { loadConfig } from '#config/config.schema';\nexport const f = loadConfig;\n", 'libs/domain'],
    ["import { createApiApp } from '#api';\nexport const f = createApiApp;\n", 'libs/domain'],
    ["import { hashReportBytes } from '#hashing';\nexport const f = hashReportBytes;\n", 'libs/domain'],
    ["import { bearer } from '#test-support/api-stack';\nexport const f = bearer;\n", 'libs/domain'],
  ])('refuses %j', async (source, reason) => {
    const messages = await restrictedImportMessages(source);
    expect(messages.length).toBeGreaterThan(0);
    expect(messages.join('\n')).toContain(reason);
  });

  it('allows type-only imports of activity interfaces and values from libs/domain', async () => {
    const source = [
      "import type { LedgerClient } from '#ledger';",
      "import { LEDGER_PROBE_WORKFLOW } from '#domain';",
      'export type L = LedgerClient;',
      'export const name = LEDGER_PROBE_WORKFLOW;',
      '',
    ].join('\n');
    expect(await restrictedImportMessages(source)).toEqual([]);
  });

  it('does not apply the workflow rules outside workflows/', async () => {
    const messages = await lint(
      "import { Wallet } from 'ethers';\nexport const f = Wallet;\n",
      'activities/lint-fixture.ts',
    );
    expect(messages.filter((m) => m.ruleId === 'no-restricted-imports')).toEqual([]);
  });
});

describe('Temporal SDK internals', () => {
  const internals = [
    "import { historyFromJSON } from '@temporalio/common/lib/proto-utils.js';\nexport const f = historyFromJSON;\n",
    "import { decodeFailure } from '@temporalio/common/lib/internal-non-workflow/codec-helpers.js';\nexport const f = decodeFailure;\n",
    "import type { History } from '@temporalio/worker/lib/runtime';\nexport type H = History;\n",
  ];

  it.each(FIXTURES.flatMap((file) => internals.map((source) => [file, source])))(
    'refuses in %s: %j',
    async (file, source) => {
      const messages = (await lint(source, file)).filter((m) => m.ruleId === 'no-restricted-imports');
      expect(messages.map((m) => m.message).join('\n')).toContain('Temporal SDK internals');
    },
  );

  it.each(FIXTURES)("allows a package's public index in %s", async (file) => {
    const source = "import { ApplicationFailure } from '@temporalio/common';\nexport const f = ApplicationFailure;\n";
    expect((await lint(source, file)).filter((m) => m.ruleId === 'no-restricted-imports')).toEqual([]);
  });
});

describe('imports by name', () => {
  it.each([
    ['workflows/lint-fixture.ts', "import { isHex32 } from '../libs/domain/src/hex.js';\nexport const f = isHex32;\n"],
    ['activities/lint-fixture.ts', "import { x } from '../../elsewhere/x.js';\nexport const f = x;\n"],
  ])('refuses a path into a library or up two folders in %s', async (file, source) => {
    const messages = (await lint(source, file)).filter((m) => m.ruleId === 'no-restricted-imports');
    expect(messages.map((m) => m.message).join('\n')).toContain('Import it by name');
  });

  it('allows a library by name and a sibling by path', async () => {
    const source =
      "import { loadConfig } from '#config';\nimport { f } from './heartbeat.js';\nexport const g = [loadConfig, f];\n";
    const messages = (await lint(source, 'activities/lint-fixture.ts')).filter(
      (m) => m.ruleId === 'no-restricted-imports',
    );
    expect(messages).toEqual([]);
  });
});
