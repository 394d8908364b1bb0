import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Wallet } from 'ethers';
import { devProvider } from '#stack/anvil';
import { DEV_KEYS } from '#stack/dev-ledger';
import { freePort } from '#stack/processes';
import { STRANGER_KEY } from '#test-support/chain';
import { startTestLedger, type TestLedger } from '#test-support/ledger';
import { startNonceBarrierProxy } from '#test-support/nonce-barrier-proxy';
import { tsx } from '#test-support/tsx';

const HK = new Wallet(DEV_KEYS.issuerHK).address;
const CN = new Wallet(DEV_KEYS.issuerCN).address;
const LENDER = new Wallet(DEV_KEYS.recorder).address;

// The issuer and admin tools as an operator runs them: real processes against a real anvil.
describe('issuer and admin command-line tools', () => {
  const work = mkdtempSync(join(tmpdir(), 'lendbridge-cli-'));
  let ledger: TestLedger;

  function toolEnv(env: Record<string, string>): NodeJS.ProcessEnv {
    return {
      ...process.env,
      LENDBRIDGE_DATA_DIR: join(work, 'no-dev-stack'),
      LEDGER_RPC_URL: ledger.rpcUrl,
      LEDGER_REGISTRY_ADDRESS: ledger.registryAddress,
      LEDGER_EVIDENCE_ADDRESS: ledger.evidenceAddress,
      ...env,
    };
  }

  /**
   * Runs a tool to its end. Never spawnSync: a blocked event loop stops this process reading anvil's
   * output, anvil then blocks writing its log, and the tool waits on anvil for good.
   */
  function run(tool: 'issuer' | 'admin', args: string[], env: Record<string, string> = {}) {
    return start(tool, args, env);
  }

  /** The same, without waiting: for several tool processes at once. */
  function start(
    tool: 'issuer' | 'admin',
    args: string[],
    env: Record<string, string> = {},
  ): Promise<{ code: number | null; stdout: string; stderr: string }> {
    const child = spawn(...tsx(`tools/cli/${tool}.ts`, args), { env: toolEnv(env) });
    let [stdout, stderr] = ['', ''];
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    return new Promise((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr })));
  }

  function report(name: string, content: string): { path: string; sha256: string } {
    const path = join(work, name);
    writeFileSync(path, content);
    return { path, sha256: createHash('sha256').update(content).digest('hex') };
  }

  beforeAll(async () => {
    ledger = await startTestLedger();
  }, 60_000);

  afterAll(async () => {
    await ledger?.anvil.stop();
    rmSync(work, { recursive: true, force: true });
  });

  it('anchors a report file, prints the transaction, and shows it as verified', async () => {
    const { path, sha256 } = report('alice.pdf', '%PDF-1.4 credit report of a pseudonymous applicant');
    const anchored = await run('issuer', ['anchor', path, '--kind', 'personal-credit-report']);
    expect(anchored.code).toBe(0);
    expect(anchored.stdout).toContain(`anchored ${sha256} (sha256-raw-v1) from alice.pdf as personal-credit-report`);
    expect(anchored.stdout).toMatch(/tx\s+0x[0-9a-f]{64}\n\s+block\s+\d+\n\s+gas\s+\d+/);

    const status = await run('issuer', ['status', path]);
    expect(status.code).toBe(0);
    expect(status.stdout).toContain(`${sha256}: VERIFIED`);
    expect(status.stdout).toContain('Demo Credit Reference Agency (HK) (HK)');
    expect(status.stdout).toContain('kind        personal-credit-report\n');
    // Judged as another kind, the same anchor is from an issuer not trusted for it.
    const asStatement = await run('issuer', ['status', path, '--kind', 'bank-statement']);
    expect(asStatement.stdout).toContain(`${sha256}: UNTRUSTED_ISSUER`);
    expect(asStatement.stdout).toContain('kind        personal-credit-report, expected bank-statement');
    expect(asStatement.stdout).toContain(
      `why         anchored by ${HK} as personal-credit-report, not as the expected bank-statement`,
    );

    const again = await run('issuer', ['anchor', path, '--kind', 'personal-credit-report']);
    expect(again.code).toBe(0);
    expect(again.stdout).toContain(`already anchored by this issuer (${HK}), nothing sent`);
  });

  it("shows the status of the report as anchored by the issuer asked about, never another issuer's", async () => {
    const { path, sha256 } = report('erin.pdf', '%PDF-1.4 anchored by the CN centre only');
    expect(
      (
        await run('issuer', ['anchor', path, '--kind', 'personal-credit-report'], {
          LEDGER_SIGNER_KEY: DEV_KEYS.issuerCN,
        })
      ).code,
    ).toBe(0);
    const asHK = await run('issuer', ['status', path]);
    expect(asHK.code).toBe(0);
    expect(asHK.stdout).toContain(`${sha256}: NOT_ANCHORED (nothing anchored by ${HK})`);
    const asCN = await run('issuer', ['status', path, '--issuer', CN]);
    expect(asCN.stdout).toContain(`${sha256}: VERIFIED`);
    expect(asCN.stdout).toContain('Demo Credit Reference Centre (CN) (CN)');
    // HK has nothing to revoke under CN's anchor.
    const revoke = await run('issuer', ['revoke', sha256, '--reason', '2']);
    expect(revoke.code).toBe(1);
    expect(revoke.stderr).toContain('this issuer has anchored nothing under this hash or root (NotAnchored)');
  });

  it('anchors a directory as one batch and writes a proof per report that verifies', async () => {
    const dir = join(work, 'batch');
    mkdirSync(dir);
    for (const name of ['a.json', 'b.json', 'c.json'])
      writeFileSync(join(dir, name), JSON.stringify({ report: name, score: 700 }));
    const result = await run('issuer', [
      'anchor-batch',
      dir,
      '--kind',
      'personal-credit-report',
      '--json-report',
      '--out',
      join(work, 'proofs'),
    ]);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/anchored batch 0x[0-9a-f]{64} of 3 documents as personal-credit-report/);
    expect(readdirSync(join(work, 'proofs')).sort()).toEqual([
      'a.json.proof.json',
      'b.json.proof.json',
      'c.json.proof.json',
    ]);
    const proof = JSON.parse(readFileSync(join(work, 'proofs', 'b.json.proof.json'), 'utf8'));
    expect(proof).toMatchObject({
      scheme: 'sha256-jcs-v1',
      kind: 'personal-credit-report',
      chainId: 31337,
      registry: ledger.registryAddress,
    });

    const status = await run('issuer', [
      'status',
      join(dir, 'b.json'),
      '--json-report',
      '--proof',
      join(work, 'proofs', 'b.json.proof.json'),
    ]);
    expect(status.code).toBe(0);
    expect(status.stdout).toContain(`${proof.reportHash}: VERIFIED`);
    expect(status.stdout).toContain(`batch root  ${proof.merkleRoot}`);
  });

  it('revokes with a reason and says what the chain holds for this issuer when asked again', async () => {
    const { path, sha256 } = report('bob.pdf', '%PDF-1.4 another report');
    expect((await run('issuer', ['anchor', path, '--kind', 'personal-credit-report'])).code).toBe(0);
    const revoked = await run('issuer', ['revoke', sha256, '--reason', '3']);
    expect(revoked.code).toBe(0);
    expect(revoked.stdout).toMatch(/revoked [0-9a-f]{64} with reason 3\n\s+tx\s+0x/);
    expect((await run('issuer', ['status', sha256])).stdout).toContain(`${sha256}: REVOKED`);
    const again = await run('issuer', ['revoke', sha256, '--reason', '3']);
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(
      new RegExp(`already revoked by this issuer \\(${HK}\\) with reason 3 at \\d{4}-\\d\\d-\\d\\dT.*, nothing sent`),
    );
    const otherReason = await run('issuer', ['revoke', sha256, '--reason', '4']);
    expect(otherReason.code).toBe(1);
    expect(otherReason.stderr).toContain(`was revoked by this issuer (${HK}) with reason 3 at`);
    expect(otherReason.stderr).toContain('a revocation is never changed');
    const reanchor = await run('issuer', ['anchor', path, '--kind', 'personal-credit-report']);
    expect(reanchor.code).toBe(1);
    expect(reanchor.stderr).toContain('it was revoked already, with reason 3 (AlreadyRevoked)');
  });

  it('revokes a whole batch by one of its proof files', async () => {
    const dir = join(work, 'batch-to-withdraw');
    mkdirSync(dir);
    for (const name of ['p.pdf', 'q.pdf']) writeFileSync(join(dir, name), `%PDF-1.4 withdrawn ${name}`);
    const proofs = join(work, 'proofs-to-withdraw');
    expect((await run('issuer', ['anchor-batch', dir, '--kind', 'personal-credit-report', '--out', proofs])).code).toBe(
      0,
    );
    const revoked = await run('issuer', ['revoke-batch', join(proofs, 'p.pdf.proof.json'), '--reason', '5']);
    expect(revoked.code).toBe(0);
    expect(revoked.stdout).toMatch(/revoked batch 0x[0-9a-f]{64} with reason 5\n\s+tx/);
    const q = await run('issuer', ['status', join(dir, 'q.pdf'), '--proof', join(proofs, 'q.pdf.proof.json')]);
    expect(q.stdout).toContain('revoked     reason 5');
  });

  it('anchors from several processes sharing one key at once: lost nonce races are retried, not failures', async () => {
    const parties = 4;
    // Every process gets the same nonce from the proxy: all but one lose the first race.
    const proxy = await startNonceBarrierProxy(ledger.rpcUrl, parties);
    try {
      const files = Array.from({ length: parties }, (_, i) => report(`race-${i}.pdf`, `%PDF-1.4 race ${i}`));
      const results = await Promise.all(
        files.map(({ path }) =>
          start('issuer', ['anchor', path, '--kind', 'personal-credit-report'], { LEDGER_RPC_URL: proxy.url }),
        ),
      );
      for (const [i, result] of results.entries()) {
        expect({ code: result.code, stderr: result.stderr }).toEqual({ code: 0, stderr: '' });
        expect(result.stdout).toMatch(new RegExp(`anchored ${files[i]!.sha256} .*\\n\\s+tx\\s+0x`));
      }
    } finally {
      await proxy.close();
    }
    for (const { sha256 } of Array.from({ length: parties }, (_, i) => report(`race-${i}.pdf`, `%PDF-1.4 race ${i}`))) {
      expect((await run('issuer', ['status', sha256])).stdout).toContain(`${sha256}: VERIFIED`);
    }
  }, 60_000);

  it('revokes one report of a batch by its proof file, leaving the others verified', async () => {
    const dir = join(work, 'batch-to-revoke');
    mkdirSync(dir);
    for (const name of ['x.pdf', 'y.pdf']) writeFileSync(join(dir, name), `%PDF-1.4 ${name}`);
    const proofs = join(work, 'proofs-to-revoke');
    expect((await run('issuer', ['anchor-batch', dir, '--kind', 'personal-credit-report', '--out', proofs])).code).toBe(
      0,
    );
    const revoked = await run('issuer', [
      'revoke',
      join(dir, 'x.pdf'),
      '--proof',
      join(proofs, 'x.pdf.proof.json'),
      '--reason',
      '6',
    ]);
    expect(revoked.code).toBe(0);
    const x = await run('issuer', ['status', join(dir, 'x.pdf'), '--proof', join(proofs, 'x.pdf.proof.json')]);
    const y = await run('issuer', ['status', join(dir, 'y.pdf'), '--proof', join(proofs, 'y.pdf.proof.json')]);
    expect(x.stdout).toMatch(/: REVOKED/);
    expect(x.stdout).toContain('revoked     reason 6');
    expect(y.stdout).toMatch(/: VERIFIED/);
  });

  it('says clearly when the signer is not an issuer, and when the node cannot be reached', async () => {
    const { path } = report('carol.pdf', '%PDF-1.4 yet another report');
    const notIssuer = await run('issuer', ['anchor', path, '--kind', 'personal-credit-report'], {
      LEDGER_SIGNER_KEY: STRANGER_KEY,
    });
    expect(notIssuer.code).toBe(1);
    expect(notIssuer.stderr).toContain('operator action needed (signer-not-authorised)');
    expect(notIssuer.stderr).toContain(`${new Wallet(STRANGER_KEY).address} lacks ISSUER_ROLE`);
    const unreachable = await run('issuer', ['status', path], {
      LEDGER_RPC_URL: `http://127.0.0.1:${await freePort()}`,
    });
    expect(unreachable.code).toBe(1);
    expect(unreachable.stderr).toContain('RPC unreachable');
  });

  it('refuses an expiry the registry cannot store as bad input, not as an unreachable node', async () => {
    const { path } = report('dave.pdf', '%PDF-1.4 a report for the far future');
    const result = await run('issuer', [
      'anchor',
      path,
      '--kind',
      'personal-credit-report',
      '--expires-in-days',
      '40000',
    ]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('the expiry must be a date between 1970 and 2106');
    expect(result.stderr).not.toContain('RPC unreachable');
  });

  it('prints the usage for --help with exit code 0', async () => {
    for (const tool of ['issuer', 'admin'] as const) {
      for (const flag of ['--help', '-h']) {
        const help = await run(tool, [flag]);
        expect({ code: help.code, stderr: help.stderr }).toEqual({ code: 0, stderr: '' });
        expect(help.stdout).toContain(`usage: npm run ${tool}`);
      }
    }
  });

  it('answers a wrong call with the usage and exit code 2, changing nothing', async () => {
    const none = await run('issuer', []);
    expect(none.code).toBe(2);
    expect(none.stderr).toContain('usage: npm run issuer');
    for (const tool of ['issuer', 'admin'] as const) {
      const unknown = await run(tool, ['status', '--no-such-option']);
      expect(unknown.code).toBe(2);
      expect(unknown.stderr).toContain("error: Unknown option '--no-such-option'");
      expect(unknown.stderr).toContain(`usage: npm run ${tool}`);
      expect(unknown.stderr).not.toMatch(/\n\s+at /); // no stack trace
    }
    expect((await run('issuer', ['status', 'ab'.repeat(32), '--issuer', 'HK'])).code).toBe(2);
    expect((await run('issuer', ['revoke', 'ab'.repeat(32)])).code).toBe(2); // no --reason
    expect((await run('issuer', ['anchor', '--expires-in-days', 'soon', join(work, 'alice.pdf')])).code).toBe(2);
    expect((await run('admin', ['add-issuer', 'not-an-address', '--name', 'X', '--jurisdiction', 'HK'])).code).toBe(2);
    expect(
      (await run('admin', ['add-issuer', Wallet.createRandom().address, '--name', 'X', '--jurisdiction', 'hk'])).code,
    ).toBe(2);
  });

  it('grants and withdraws document kinds as the admin; an issuer anchors only the kinds it is trusted for', async () => {
    const bank = new Wallet(DEV_KEYS.bankCN).address;
    const asBank = { LEDGER_SIGNER_KEY: DEV_KEYS.bankCN };
    // A bank anchors its monthly statements as one batch of bank statements.
    const dir = join(work, 'statements');
    mkdirSync(dir);
    for (const month of ['2026-09', '2026-10', '2026-11'])
      writeFileSync(join(dir, `${month}.pdf`), `%PDF statement ${month}`);
    const proofs = join(work, 'statement-proofs');
    const batch = await run('issuer', ['anchor-batch', dir, '--kind', 'bank-statement', '--out', proofs], asBank);
    expect(batch.code).toBe(0);
    expect(batch.stdout).toContain('of 3 documents as bank-statement');
    const proof = JSON.parse(readFileSync(join(proofs, '2026-10.pdf.proof.json'), 'utf8')) as { kind: string };
    expect(proof.kind).toBe('bank-statement');
    // Not trusted for credit reports: refused, naming the remedy.
    const { path } = report('not-a-bank-product.pdf', '%PDF-1.4 a credit report a bank cannot issue');
    const refused = await run('issuer', ['anchor', path, '--kind', 'personal-credit-report'], asBank);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain(`${bank} is not trusted for document kind`);
    expect(refused.stderr).toContain('npm run admin -- grant-kind');
    // Listed per kind.
    const listed = await run('issuer', ['list'], asBank);
    expect(listed.code).toBe(0);
    expect(listed.stdout).toContain('trusted now for: bank-statement');
    expect(listed.stdout).toMatch(/bank-statement \(1\)\n {2}batch {2}0x[0-9a-f]{64} of 3/);
    expect((await run('issuer', ['list', '--kind', 'personal-credit-report', '--issuer', bank])).stdout).toContain(
      `nothing anchored by ${bank} as personal-credit-report`,
    );
    // Withdrawn: the statements verify as UNTRUSTED_ISSUER, saying why.
    expect((await run('admin', ['withdraw-kind', bank, 'bank-statement'])).code).toBe(0);
    const again = await run('admin', ['withdraw-kind', bank, 'bank-statement']);
    expect(again.stdout).toContain('it was not');
    const status = await run('issuer', [
      'status',
      join(dir, '2026-10.pdf'),
      '--proof',
      join(proofs, '2026-10.pdf.proof.json'),
      '--issuer',
      bank,
    ]);
    expect(status.stdout).toContain(': UNTRUSTED_ISSUER');
    expect(status.stdout).toContain('no longer trusted for bank-statement');
    expect((await run('admin', ['grant-kind', bank, 'bank-statement'])).code).toBe(0);
    expect((await run('admin', ['list-issuers'])).stdout).toContain(
      `${bank}  CN  Demo Bank (CN)  kinds: bank-statement`,
    );
    // Bad input: exit 2, changing nothing; only the admin may grant.
    expect((await run('issuer', ['anchor', path])).code).toBe(2); // no --kind
    expect((await run('issuer', ['anchor', path, '--kind', 'Credit Report'])).code).toBe(2);
    expect((await run('admin', ['grant-kind', bank, 'Bank Statement'])).code).toBe(2);
    expect((await run('admin', ['grant-kind', bank])).code).toBe(2);
    const rogue = await run('admin', ['grant-kind', bank, 'personal-credit-report'], {
      LEDGER_SIGNER_KEY: STRANGER_KEY,
    });
    expect(rogue.code).toBe(1);
    expect(rogue.stderr).toContain('lacks DEFAULT_ADMIN_ROLE');
  });

  it('adds, lists and removes issuers as the admin, and refuses anyone else', async () => {
    const listed = await run('admin', ['list-issuers']);
    expect(listed.code).toBe(0);
    expect(listed.stdout).toContain(
      'HK  Demo Credit Reference Agency (HK)  kinds: business-registration, corporate-credit-report, personal-credit-report',
    );
    expect(listed.stdout).toContain('CN  Demo Credit Reference Centre (CN)  kinds: business-registration,');
    expect(listed.stdout).toContain(
      `${new Wallet(DEV_KEYS.bankHK).address}  HK  Demo Bank (HK)  kinds: bank-statement\n`,
    );
    expect(listed.stdout).toContain(
      `${new Wallet(DEV_KEYS.bankCN).address}  CN  Demo Bank (CN)  kinds: bank-statement\n`,
    );

    const account = Wallet.createRandom().address;
    expect(
      (await run('admin', ['add-issuer', account, '--name', 'Macau Credit Bureau', '--jurisdiction', 'MO'])).code,
    ).toBe(0);
    expect((await run('admin', ['list-issuers'])).stdout).toContain(`${account}  MO  Macau Credit Bureau  kinds: none`);
    expect((await run('admin', ['remove-issuer', account])).code).toBe(0);
    expect((await run('admin', ['list-issuers'])).stdout).not.toContain(account);

    const stranger = await run('admin', ['add-issuer', account, '--name', 'Rogue', '--jurisdiction', 'HK'], {
      LEDGER_SIGNER_KEY: STRANGER_KEY,
    });
    expect(stranger.code).toBe(1);
    expect(stranger.stderr).toContain('lacks DEFAULT_ADMIN_ROLE');
    expect((await run('admin', ['list-recorders'])).stdout).toContain('lendbridge (development)');
  });

  /** A fresh account with ether, for a key that must sign its own acceptance. */
  async function fundedKey(): Promise<Wallet> {
    const provider = devProvider(ledger.rpcUrl);
    try {
      const key = Wallet.createRandom();
      await (await new Wallet(DEV_KEYS.admin, provider).sendTransaction({ to: key.address, value: 10n ** 18n })).wait();
      return new Wallet(key.privateKey);
    } finally {
      provider.destroy();
    }
  }

  it("binds a worker replica's key to the lender in two steps, the key accepting, and says whom a key records for", async () => {
    const key = await fundedKey();
    expect((await run('admin', ['key', key.address])).stdout).toContain(`${key.address} records for no one`);
    const proposed = await run('admin', ['propose-key', key.address]);
    expect(proposed.code).toBe(0);
    expect(proposed.stdout).toMatch(
      new RegExp(
        `proposed key ${key.address} to record evidence for ${LENDER}; it records once it accepts .*\\n\\s+tx`,
      ),
    );
    expect((await run('admin', ['propose-key', key.address])).stdout).toContain(
      'already proposed, or it records for this lender already, nothing sent',
    );
    const pending = (await run('admin', ['key', key.address])).stdout;
    expect(pending).toContain(`${key.address} records for no one`);
    expect(pending).toContain(`proposed by lendbridge (development) (HK) ${LENDER}, not accepted`);

    // Only the key itself accepts: on the local stack too, no development key signs for it.
    const unsigned = await run('admin', ['accept-key', LENDER]);
    expect(unsigned.code).toBe(2);
    expect(unsigned.stderr).toContain('accept-key is signed by the key that accepts');
    const accepted = await run('admin', ['accept-key', LENDER], { LEDGER_SIGNER_KEY: key.privateKey });
    expect(accepted.code).toBe(0);
    expect(accepted.stdout).toMatch(
      new RegExp(
        `key ${key.address} accepted: it records evidence for lendbridge \\(development\\) \\(HK\\) ${LENDER}\\n\\s+tx`,
      ),
    );
    expect((await run('admin', ['accept-key', LENDER], { LEDGER_SIGNER_KEY: key.privateKey })).stdout).toContain(
      'it does already, nothing sent',
    );
    expect((await run('admin', ['key', key.address])).stdout).toContain(
      `${key.address} records evidence for lendbridge (development) (HK) ${LENDER}`,
    );
    expect((await run('admin', ['key', LENDER])).stdout).toContain(`${LENDER} is a recorder member itself`);

    const notLender = await run('admin', ['propose-key', key.address], { LEDGER_SIGNER_KEY: STRANGER_KEY });
    expect(notLender.code).toBe(1);
    expect(notLender.stderr).toContain('lacks RECORDER_ROLE');

    expect((await run('admin', ['revoke-key', key.address])).code).toBe(0);
    expect((await run('admin', ['revoke-key', key.address])).stdout).toContain('it records for no one, nothing sent');
    expect((await run('admin', ['key', key.address])).stdout).toContain(`${key.address} records for no one`);
  });

  it("refuses another lender taking or revoking the lender's key", async () => {
    const [key, rival] = [await fundedKey(), await fundedKey()];
    expect(
      (await run('admin', ['add-recorder', rival.address, '--name', 'Rival Bank', '--jurisdiction', 'CN'])).code,
    ).toBe(0);
    try {
      // The rival proposes first: harmless, the key accepts its own lender.
      expect((await run('admin', ['propose-key', key.address], { LEDGER_SIGNER_KEY: rival.privateKey })).code).toBe(0);
      expect((await run('admin', ['propose-key', key.address])).code).toBe(0);
      // The key's listing offers no command to paste; with its lender configured, a careless accept
      // of the rival's proposal is refused before anything is sent.
      const listing = (await run('admin', ['key', key.address])).stdout;
      expect(listing).toContain(`proposed by Rival Bank (CN) ${rival.address}, not accepted`);
      expect(listing).not.toContain('accept-key');
      const careless = await run('admin', ['accept-key', rival.address], {
        LEDGER_SIGNER_KEY: key.privateKey,
        LEDGER_EVIDENCE_MEMBER: LENDER,
      });
      expect(careless.code).toBe(1);
      expect(careless.stderr).toContain(`this key is for LEDGER_EVIDENCE_MEMBER ${LENDER}`);
      expect((await run('admin', ['key', key.address])).stdout).toContain(`${key.address} records for no one`);
      expect((await run('admin', ['accept-key', LENDER], { LEDGER_SIGNER_KEY: key.privateKey })).code).toBe(0);
      expect((await run('admin', ['key', key.address])).stdout).toContain(
        `records evidence for lendbridge (development)`,
      );

      const taken = await run('admin', ['propose-key', key.address], { LEDGER_SIGNER_KEY: rival.privateKey });
      expect(taken.code).toBe(1);
      expect(taken.stderr).toContain('the key is a member itself or records for another member already (KeyInUse)');
      const revoked = await run('admin', ['revoke-key', key.address], { LEDGER_SIGNER_KEY: rival.privateKey });
      expect(revoked.code).toBe(1);
      expect(revoked.stderr).toContain('the key does not record for the signer (KeyNotAuthorized)');
      expect((await run('admin', ['key', key.address])).stdout).toContain(
        `records evidence for lendbridge (development)`,
      );
    } finally {
      await run('admin', ['remove-recorder', rival.address]);
    }
  });

  it('withdraws a proposal the key has not accepted, after which the key cannot accept it', async () => {
    const key = await fundedKey();
    expect((await run('admin', ['propose-key', key.address])).code).toBe(0);
    const withdrawn = await run('admin', ['withdraw-proposal', key.address]);
    expect(withdrawn.code).toBe(0);
    expect(withdrawn.stdout).toMatch(new RegExp(`withdrew the proposal of ${LENDER} to key ${key.address}\\n\\s+tx`));
    expect((await run('admin', ['withdraw-proposal', key.address])).stdout).toContain(
      'no proposal pending, nothing sent',
    );
    const late = await run('admin', ['accept-key', LENDER], { LEDGER_SIGNER_KEY: key.privateKey });
    expect(late.code).toBe(1);
    expect(late.stderr).toContain('(KeyNotProposed)');
  });

  it('points an operator who runs the old authorize-key at the two steps', async () => {
    const old = await run('admin', ['authorize-key', Wallet.createRandom().address]);
    expect(old.code).toBe(2);
    expect(old.stderr).toContain('the lender runs propose-key <key>, then the key runs accept-key <lender>');
  });
});
