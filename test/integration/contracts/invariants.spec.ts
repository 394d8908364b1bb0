import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { REPO_ROOT } from '#stack/contracts';

// The contracts' invariant tests (test/invariants/*.sol) run by Foundry's forge, offline, with solc-js
// as its compiler. Sized for CI by foundry.toml; for more sequences run this file with e.g.
// FOUNDRY_INVARIANT_RUNS=2000 FOUNDRY_INVARIANT_DEPTH=200, or FOUNDRY_PROFILE=deep.
const MORE_RUNS = ['FOUNDRY_INVARIANT_RUNS', 'FOUNDRY_INVARIANT_DEPTH', 'FOUNDRY_PROFILE'].some((v) => process.env[v]);
const TIMEOUT_MS = MORE_RUNS ? 3_600_000 : 150_000;

/**
 * The forge binary of @foundry-rs/forge's per-platform package. Not node_modules/.bin/forge: that
 * npm wrapper exits 0 even when tests fail.
 */
function forgeExecutable(): string {
  const arch = process.arch === 'x64' ? 'amd64' : process.arch;
  const manifest = createRequire(import.meta.url).resolve(`@foundry-rs/forge-${process.platform}-${arch}/package.json`);
  return join(dirname(manifest), 'bin', 'forge');
}

function forge(root: string, args: string[], env: NodeJS.ProcessEnv = {}): { status: number | null; output: string } {
  const result = spawnSync(
    forgeExecutable(),
    ['test', '--offline', '--use', join(REPO_ROOT, 'scripts/solc-js.mjs'), '--root', root, ...args],
    {
      cwd: root,
      encoding: 'utf8',
      // solc-js.mjs starts with `#!/usr/bin/env node`: the Node running this test comes first on PATH.
      env: { ...process.env, PATH: `${dirname(process.execPath)}:${process.env.PATH ?? ''}`, ...env },
      timeout: TIMEOUT_MS,
    },
  );
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

/** A copy of the forge project with one contract edited, to show the invariants notice the defect. */
function mutantProject(contract: string, from: string, to: string): string {
  const root = mkdtempSync(join(tmpdir(), 'lendbridge-mutant-'));
  for (const part of ['foundry.toml', 'contracts', 'test/invariants', 'scripts/solc-js.mjs']) {
    cpSync(join(REPO_ROOT, part), join(root, part), { recursive: true });
  }
  symlinkSync(join(REPO_ROOT, 'node_modules'), join(root, 'node_modules'));
  const file = join(root, 'contracts', contract);
  const source = readFileSync(file, 'utf8');
  if (!source.includes(from)) throw new Error(`the mutation no longer applies to ${contract}: update this test`);
  writeFileSync(file, source.replace(from, to));
  return root;
}

describe('contract invariants (forge)', () => {
  it(
    'hold over random sequences of every member action, checked against the reference model after each step',
    () => {
      const { status, output } = forge(REPO_ROOT, []);
      expect({ status, output }).toEqual({ status: 0, output: expect.any(String) as string });
      expect(output).toMatch(/\[PASS\] invariant_eachIssuersAnchorsVerifyAsOnlyItsOwnActionsMadeThem\(\) \(runs: \d+/);
      expect(output).toMatch(/\[PASS\] invariant_evidenceIsWrittenOnlyByItsMemberOrItsKeysAndRepeatsChangeNothing\(\)/);
      // The model check itself catches each defect of registry v1 when the sequence exposing it is played.
      expect(output).toContain('[PASS] test_catchesARevocationOfAnotherIssuersBatchThroughItsRootAnchoredAsAReport()');
      expect(output).toContain('[PASS] test_catchesSquattingOnAHashAnotherIssuerAnchored()');
      expect(output).toContain('[PASS] test_catchesTheAdminRevokingAnIssuersAnchor()');
      // The document kind rules, step by step: granted by the admin only, held by members only, never re-kinded.
      expect(output).toContain('[PASS] test_kindsAreGrantedByTheAdminOnlyHeldByMembersAndNeverChangeAnAnchor()');
      // The capture of another lender's key is refused step by step; the model check catches it on registry /2.
      expect(output).toContain('[PASS] test_aLenderCannotCaptureAnotherLendersKeyNorItsRecordsNorRevokeIt()');
      expect(output).toContain('[PASS] test_catchesALenderBindingAnotherLendersKeyWithoutTheKeysConsent()');
      expect(output).toContain('[PASS] test_catchesTheCapturedKeysLenderBeingUnableToBindIt()');
      expect(output).not.toMatch(/\[FAIL/);
    },
    TIMEOUT_MS,
  );

  it(
    'fail on registry v1, the fuzzer finding one of its defects unaided (negative control)',
    () => {
      const { status, output } = forge(REPO_ROOT, ['--match-contract', 'NegativeControlRegistryV1Invariants'], {
        FOUNDRY_NO_MATCH_CONTRACT: '',
      });
      expect(status).not.toBe(0);
      expect(output).toMatch(/\[FAIL: (anchor(Batch)?|revoke(Batch|InBatch)?|verify(InBatch)?): [^\]]+\]/);
    },
    TIMEOUT_MS,
  );

  it(
    'fail on a registry that lets any issuer anchor any document kind, the fuzzer finding it unaided (negative control)',
    () => {
      // The mutant checks membership where it should check the kind.
      const root = mutantProject(
        'CreditReportRegistry.sol',
        'if (!isTrustedFor(msg.sender, kind)) {',
        'if (!hasRole(ISSUER_ROLE, msg.sender)) {',
      );
      try {
        const { status, output } = forge(root, ['--match-contract', '^CreditReportRegistryInvariants$']);
        expect(status).not.toBe(0);
        expect(output).toMatch(/\[FAIL: anchor(Batch)?: accepted, but the model refuses it\]/);
      } finally {
        rmSync(root, { recursive: true, force: true });
      }
    },
    TIMEOUT_MS,
  );

  it(
    "fail on an evidence registry that lets a key write into a namespace of its own, not its lender's (negative control)",
    () => {
      const root = mutantProject(
        'EvidenceRegistry.sol',
        '_evidence[member][evidenceHash] =',
        '_evidence[msg.sender][evidenceHash] =',
      );
      try {
        const { status, output } = forge(root, ['--match-contract', 'EvidenceRegistryInvariants']);
        expect(status).not.toBe(0);
        expect(output).toMatch(/\[FAIL: (evidenceOf differs from the model|record: [^\]]+)\]/);
      } finally {
        rmSync(root, { recursive: true, force: true });
      }
    },
    TIMEOUT_MS,
  );

  it(
    'fail on evidence registry /2, whose lenders bind any key to themselves in one step, the fuzzer finding it unaided (negative control)',
    () => {
      const { status, output } = forge(REPO_ROOT, ['--match-contract', 'NegativeControlEvidenceRegistryV2Invariants'], {
        FOUNDRY_NO_MATCH_CONTRACT: '',
      });
      expect(status).not.toBe(0);
      expect(output).toMatch(
        /\[FAIL: ((recordsFor|keyMember|evidenceOf) differs from the model|(proposeKey|acceptKey|record|revokeKey): [^\]]+)\]/,
      );
    },
    TIMEOUT_MS,
  );

  it(
    'fail on an evidence registry that lets a key bind itself to a lender that never proposed it (negative control)',
    () => {
      const root = mutantProject(
        'EvidenceRegistry.sol',
        'if (!_proposedKeys[member][msg.sender]) revert KeyNotProposed(msg.sender, member);',
        '',
      );
      try {
        const { status, output } = forge(root, ['--match-contract', 'EvidenceRegistryInvariants']);
        expect(status).not.toBe(0);
        expect(output).toMatch(
          /\[FAIL: ((recordsFor|keyMember|evidenceOf) differs from the model|acceptKey: [^\]]+)\]/,
        );
      } finally {
        rmSync(root, { recursive: true, force: true });
      }
    },
    TIMEOUT_MS,
  );
});
