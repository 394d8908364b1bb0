import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { hexlify, randomBytes, Wallet } from 'ethers';
import { Verdict, type VerificationPolicy } from '#domain';
import {
  buildReportBatch,
  LedgerClient,
  LedgerInputError,
  LedgerMismatchError,
  LedgerNotConfirmedError,
  LedgerUnavailableError,
} from '#ledger';
import { startAnvil } from '#stack/anvil';
import { DEV_KEYS } from '#stack/dev-ledger';
import { advanceTime } from '#test-support/chain';
import { startTestLedger, testWriter, type TestLedger } from '#test-support/ledger';

const ANY_ISSUER: VerificationPolicy = { trustedIssuers: 'any-member', maxReportAgeSeconds: 30 * 86_400 };
const newHash = (): string => hexlify(randomBytes(32)).slice(2);
const days = (n: number): Date => new Date(Date.now() + n * 86_400_000);

describe('LedgerClient verification against anvil', () => {
  const stateDir = mkdtempSync(join(tmpdir(), 'lendbridge-ledger-'));
  let ledger: TestLedger;
  let client: LedgerClient;
  const hk = new Wallet(DEV_KEYS.issuerHK).address;
  const cn = new Wallet(DEV_KEYS.issuerCN).address;

  beforeAll(async () => {
    ledger = await startTestLedger({ stateFile: join(stateDir, 'state.json') });
    client = new LedgerClient(ledger.settings);
  }, 60_000);

  afterAll(async () => {
    client?.close();
    await ledger?.anvil.stop();
    rmSync(stateDir, { recursive: true, force: true });
  });

  async function anchored(key: string = DEV_KEYS.issuerHK, expiresAt: Date = days(30)): Promise<string> {
    const hash = newHash();
    await testWriter(client, key).anchorReport('personal-credit-report', hash, expiresAt);
    return hash;
  }

  it('proves the node is the configured ledger', async () => {
    await expect(client.readLedgerInfo()).resolves.toMatchObject({
      chainId: '31337',
      registryAddress: ledger.registryAddress,
      registryVersion: 'lendbridge-credit-report-registry/3',
    });
    const wrongChain = new LedgerClient({ ...ledger.settings, chainId: 1 });
    await expect(wrongChain.readLedgerInfo()).rejects.toThrow(LedgerMismatchError);
    wrongChain.close();
    const noCode = new LedgerClient({ ...ledger.settings, registryAddress: Wallet.createRandom().address });
    await expect(noCode.readLedgerInfo()).rejects.toThrow(/no contract at LEDGER_REGISTRY_ADDRESS/);
    noCode.close();
  });

  it('says VERIFIED with a full receipt for a valid anchor by a trusted issuer', async () => {
    const hash = await anchored();
    const receipt = await client.verifyReport(hk, 'personal-credit-report', hash, {
      ...ANY_ISSUER,
      trustedIssuers: [hk],
    });
    const block = await client.provider.getBlock(receipt.anchor?.blockNumber ?? -1);
    expect(receipt).toEqual({
      verdict: Verdict.VERIFIED,
      reportHash: hash,
      documentKind: 'personal-credit-report',
      chainId: '31337',
      contract: ledger.registryAddress,
      checkedAtBlock: expect.any(Number) as number,
      anchor: {
        issuer: hk,
        issuerName: 'Demo Credit Reference Agency (HK)',
        issuerJurisdiction: 'HK',
        issuerActive: true,
        documentKind: 'personal-credit-report',
        blockNumber: block?.number,
        blockHash: block?.hash,
        anchoredAt: new Date((block?.timestamp ?? 0) * 1000).toISOString(),
        expiresAt: expect.any(String) as string,
      },
    });
  });

  it('says NOT_ANCHORED for an unknown hash, without an anchor', async () => {
    const receipt = await client.verifyReport(hk, 'personal-credit-report', newHash(), ANY_ISSUER);
    expect(receipt.verdict).toBe(Verdict.NOT_ANCHORED);
    expect(receipt.anchor).toBeUndefined();
  });

  it('says REVOKED, with the reason, after the issuer revoked', async () => {
    const hash = await anchored();
    await testWriter(client).revoke(hash, 4);
    const receipt = await client.verifyReport(hk, 'personal-credit-report', hash, ANY_ISSUER);
    expect(receipt.verdict).toBe(Verdict.REVOKED);
    expect(receipt.anchor?.revocationReason).toBe(4);
  });

  it('says UNTRUSTED_ISSUER when the issuer is not trusted for this direction', async () => {
    const hash = await anchored(DEV_KEYS.issuerCN);
    expect(
      (await client.verifyReport(cn, 'personal-credit-report', hash, { ...ANY_ISSUER, trustedIssuers: [hk] })).verdict,
    ).toBe(Verdict.UNTRUSTED_ISSUER);
    expect(
      (
        await client.verifyReport(cn.toLowerCase(), 'personal-credit-report', hash, {
          ...ANY_ISSUER,
          trustedIssuers: [cn.toLowerCase()],
        })
      ).verdict,
    ).toBe(Verdict.VERIFIED);
  });

  it('says NOT_ANCHORED for a report anchored only by another issuer than the one expected', async () => {
    const hash = await anchored(DEV_KEYS.issuerCN);
    const receipt = await client.verifyReport(hk, 'personal-credit-report', hash, ANY_ISSUER);
    expect(receipt.verdict).toBe(Verdict.NOT_ANCHORED);
    expect(receipt.anchor).toBeUndefined();
  });

  it('says UNTRUSTED_ISSUER once the issuer has been removed from the consortium', async () => {
    const admin = testWriter(client, DEV_KEYS.admin);
    const departing = Wallet.createRandom();
    await admin.addMember('issuer', departing.address, 'Departing CRA', 'HK');
    await admin.grantKind(departing.address, 'personal-credit-report');
    const funder = new Wallet(DEV_KEYS.admin, client.provider);
    await (await funder.sendTransaction({ to: departing.address, value: 10n ** 18n })).wait();
    const hash = newHash();
    await testWriter(client, departing.privateKey).anchorReport('personal-credit-report', hash, days(30));
    expect((await client.verifyReport(departing.address, 'personal-credit-report', hash, ANY_ISSUER)).verdict).toBe(
      Verdict.VERIFIED,
    );
    await admin.removeMember('issuer', departing.address);
    const receipt = await client.verifyReport(departing.address, 'personal-credit-report', hash, ANY_ISSUER);
    expect(receipt.verdict).toBe(Verdict.UNTRUSTED_ISSUER);
    expect(receipt.anchor).toMatchObject({ issuerName: 'Departing CRA', issuerActive: false });
  });

  it("verifies a bank's statement as a bank-statement, and as UNTRUSTED_ISSUER when a credit report is expected", async () => {
    const bank = new Wallet(DEV_KEYS.bankHK).address;
    const hash = newHash();
    await testWriter(client, DEV_KEYS.bankHK).anchorReport('bank-statement', hash, days(30));
    const statement = await client.verifyReport(bank, 'bank-statement', hash, ANY_ISSUER);
    expect(statement).toMatchObject({
      verdict: Verdict.VERIFIED,
      documentKind: 'bank-statement',
      anchor: { issuerName: 'Demo Bank (HK)', documentKind: 'bank-statement' },
    });
    expect(statement.detail).toBeUndefined();
    const asReport = await client.verifyReport(bank, 'personal-credit-report', hash, ANY_ISSUER);
    expect(asReport).toMatchObject({
      verdict: Verdict.UNTRUSTED_ISSUER,
      detail: `anchored by ${bank} as bank-statement, not as the expected personal-credit-report`,
      documentKind: 'personal-credit-report',
      anchor: { documentKind: 'bank-statement' },
    });
    // The bank is not trusted for credit reports: it cannot anchor one at all.
    const refusal = await testWriter(client, DEV_KEYS.bankHK)
      .anchorReport('personal-credit-report', newHash(), days(30))
      .catch((error: unknown) => error);
    expect((refusal as Error).message).toContain(`${bank} is not trusted for document kind`);
  });

  it('says UNTRUSTED_ISSUER, with the reason, for reports of a kind withdrawn from their issuer since', async () => {
    const admin = testWriter(client, DEV_KEYS.admin);
    const agency = Wallet.createRandom();
    await admin.addMember('issuer', agency.address, 'Corporate CRA', 'CN');
    await admin.grantKind(agency.address, 'corporate-credit-report');
    const funder = new Wallet(DEV_KEYS.admin, client.provider);
    await (await funder.sendTransaction({ to: agency.address, value: 10n ** 18n })).wait();
    const hash = newHash();
    const batch = buildReportBatch([newHash(), newHash()]);
    const asAgency = testWriter(client, agency.privateKey);
    await asAgency.anchorReport('corporate-credit-report', hash, days(30));
    await asAgency.anchorBatch('corporate-credit-report', batch.merkleRoot, days(30), batch.leafCount);
    const [inBatch] = [...batch.proofs.keys()] as [string];
    const verifyBoth = async () => [
      await client.verifyReport(agency.address, 'corporate-credit-report', hash, ANY_ISSUER),
      await client.verifyReportInBatch(
        agency.address,
        'corporate-credit-report',
        inBatch,
        batch.proofs.get(inBatch)!,
        batch.merkleRoot,
        ANY_ISSUER,
      ),
    ];
    expect((await verifyBoth()).map((r) => r.verdict)).toEqual([Verdict.VERIFIED, Verdict.VERIFIED]);
    await expect(client.kindsOf(agency.address)).resolves.toEqual([
      { id: expect.stringMatching(/^0x[0-9a-f]{20}$/) as string, name: 'corporate-credit-report' },
    ]);
    expect((await admin.withdrawKind(agency.address, 'corporate-credit-report')).outcome).toBe('sent');
    // A retry of the issuer's anchor is not reported as done once the kind is withdrawn.
    await expect(asAgency.anchorReport('corporate-credit-report', hash, days(30))).rejects.toThrow(
      /is not trusted for document kind/,
    );
    await expect(
      asAgency.anchorBatch('corporate-credit-report', batch.merkleRoot, days(30), batch.leafCount),
    ).rejects.toThrow(/is not trusted for document kind/);
    expect(await admin.withdrawKind(agency.address, 'corporate-credit-report')).toEqual({
      outcome: 'already-recorded',
    });
    for (const receipt of await verifyBoth()) {
      expect(receipt).toMatchObject({
        verdict: Verdict.UNTRUSTED_ISSUER,
        detail: `${agency.address} is no longer trusted for corporate-credit-report on the ledger (the kind was withdrawn)`,
        anchor: { issuerActive: true, documentKind: 'corporate-credit-report' },
      });
    }
    await expect(client.kindsOf(agency.address)).resolves.toEqual([]);
    // What it anchored, per kind, from the chain's events.
    const anchors = await client.anchorsBy(agency.address, 'corporate-credit-report');
    expect(anchors.map((a) => [a.type, a.key, a.kind])).toEqual([
      ['report', hash, 'corporate-credit-report'],
      ['batch', batch.merkleRoot, 'corporate-credit-report'],
    ]);
    await expect(client.anchorsBy(agency.address, 'bank-statement')).resolves.toEqual([]);
  });

  it('says EXPIRED when the report is older than the policy allows', async () => {
    const hash = await anchored();
    await advanceTime(client.provider, 3 * 86_400);
    expect(
      (
        await client.verifyReport(hk, 'personal-credit-report', hash, {
          ...ANY_ISSUER,
          maxReportAgeSeconds: 2 * 86_400,
        })
      ).verdict,
    ).toBe(Verdict.EXPIRED);
    expect(
      (
        await client.verifyReport(hk, 'personal-credit-report', hash, {
          ...ANY_ISSUER,
          maxReportAgeSeconds: 4 * 86_400,
        })
      ).verdict,
    ).toBe(Verdict.VERIFIED);
  });

  it('says EXPIRED once the anchor itself has expired on chain', async () => {
    const chainNow = (await client.provider.getBlock('latest'))!.timestamp;
    const hash = await anchored(DEV_KEYS.issuerHK, new Date((chainNow + 86_400) * 1000));
    await advanceTime(client.provider, 86_400 + 1);
    expect((await client.verifyReport(hk, 'personal-credit-report', hash, ANY_ISSUER)).verdict).toBe(Verdict.EXPIRED);
  });

  it('verifies a report in a batch by its proof, with the batch root on the receipt', async () => {
    const hashes = [newHash(), newHash(), newHash()];
    const batch = buildReportBatch(hashes);
    await testWriter(client).anchorBatch('personal-credit-report', batch.merkleRoot, days(30), batch.leafCount);
    const receipt = await client.verifyReportInBatch(
      hk,
      'personal-credit-report',
      hashes[1]!,
      batch.proofs.get(hashes[1]!)!,
      batch.merkleRoot,
      ANY_ISSUER,
    );
    expect(receipt.verdict).toBe(Verdict.VERIFIED);
    expect(receipt.anchor?.batchRoot).toBe(batch.merkleRoot);
    const wrong = await client.verifyReportInBatch(
      hk,
      'personal-credit-report',
      newHash(),
      batch.proofs.get(hashes[1]!)!,
      batch.merkleRoot,
      ANY_ISSUER,
    );
    expect(wrong.verdict).toBe(Verdict.NOT_ANCHORED);
    const otherIssuer = await client.verifyReportInBatch(
      cn,
      'personal-credit-report',
      hashes[1]!,
      batch.proofs.get(hashes[1]!)!,
      batch.merkleRoot,
      ANY_ISSUER,
    );
    expect(otherIssuer.verdict).toBe(Verdict.NOT_ANCHORED);
  });

  it('refuses an issuer that is not an address as bad input', async () => {
    await expect(client.verifyReport('HK agency', 'personal-credit-report', newHash(), ANY_ISSUER)).rejects.toThrow(
      LedgerInputError,
    );
  });

  it('waits for the configured confirmation depth before it gives a verdict', async () => {
    const deep = new LedgerClient({ ...ledger.settings, confirmations: 2 });
    try {
      const hash = await anchored();
      await expect(deep.verifyReport(hk, 'personal-credit-report', hash, ANY_ISSUER)).rejects.toThrow(
        LedgerNotConfirmedError,
      );
      await client.provider.send('anvil_mine', ['0x2']);
      expect((await deep.verifyReport(hk, 'personal-credit-report', hash, ANY_ISSUER)).verdict).toBe(Verdict.VERIFIED);
    } finally {
      deep.close();
    }
  });

  it('throws a retryable LedgerUnavailableError while the node is down, and verifies again once it is back', async () => {
    const hash = await anchored();
    await ledger.anvil.stop();
    await expect(client.verifyReport(hk, 'personal-credit-report', hash, ANY_ISSUER)).rejects.toThrow(
      LedgerUnavailableError,
    );
    await expect(client.checkReachability()).resolves.toMatchObject({ status: 'down' });

    // Same port, same state file: the node comes back with everything anchored before.
    ledger.anvil = await startAnvil({ port: ledger.port, stateFile: join(stateDir, 'state.json') });
    expect((await client.verifyReport(hk, 'personal-credit-report', hash, ANY_ISSUER)).verdict).toBe(Verdict.VERIFIED);
  }, 60_000);
});
