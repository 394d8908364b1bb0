import { Contract, hexlify, randomBytes, Wallet } from 'ethers';
import { Verdict, type VerificationPolicy } from '../../../libs/domain/src/index.js';
import {
  buildReportBatch,
  CREDIT_REPORT_REGISTRY_ABI,
  EvidenceKind,
  LedgerClient,
  LedgerInputError,
  LedgerRevertError,
  LedgerWriter,
} from '../../../libs/ledger/src/index.js';
import { DEV_KEYS } from '../../../tools/stack/dev-ledger.js';
import { startTestLedger, testWriter, type TestLedger } from '../../support/ledger.js';

const newHash = (): string => hexlify(randomBytes(32)).slice(2);
const in30Days = (): Date => new Date(Date.now() + 30 * 86_400_000);
const ANY_ISSUER: VerificationPolicy = { trustedIssuers: 'any-member', maxReportAgeSeconds: 30 * 86_400 };

describe('LedgerWriter', () => {
  let ledger: TestLedger;
  let client: LedgerClient;

  beforeAll(async () => {
    ledger = await startTestLedger();
    client = new LedgerClient(ledger.settings);
  }, 60_000);

  afterAll(async () => {
    client?.close();
    await ledger?.anvil.stop();
  });

  it('anchors once; a retry finds the anchor on chain and sends nothing', async () => {
    const writer = testWriter(client);
    const hash = newHash();
    const first = await writer.anchorReport(hash, in30Days());
    expect(first.outcome).toBe('sent');
    const nonceAfterFirst = await client.provider.getTransactionCount(writer.address);
    await expect(writer.anchorReport(hash, in30Days())).resolves.toEqual({ outcome: 'already-recorded' });
    expect(await client.provider.getTransactionCount(writer.address)).toBe(nonceAfterFirst);
  });

  it('survives a crash between sending and the receipt: the retry neither fails nor anchors twice', async () => {
    const hash = newHash();
    const registry = new Contract(ledger.registryAddress, CREDIT_REPORT_REGISTRY_ABI, client.provider);
    // Hold blocks back so the crashed attempt's transaction is still pending when the retry runs.
    await client.provider.send('evm_setAutomine', [false]);
    try {
      const crashed = registry.connect(new Wallet(DEV_KEYS.issuerHK, client.provider)) as Contract;
      await crashed.getFunction('anchor').send(`0x${hash}`, Math.floor(in30Days().getTime() / 1000));
      // The retried activity, in a fresh process (a fresh writer), sees no anchor yet and sends again.
      const retry = testWriter(client).anchorReport(hash, in30Days());
      const hk = new Wallet(DEV_KEYS.issuerHK).address;
      const pending = async (): Promise<number> =>
        (await client.provider.getTransactionCount(hk, 'pending')) -
        (await client.provider.getTransactionCount(hk, 'latest'));
      while ((await pending()) < 2) await new Promise((resolve) => setTimeout(resolve, 20));
      await client.provider.send('evm_mine', []);
      expect((await retry).outcome).toBe('sent');
    } finally {
      await client.provider.send('evm_setAutomine', [true]);
    }
    // Both transactions succeeded; exactly one anchored, the other was the contract's no-op.
    const anchoredEvents = await registry.queryFilter(registry.filters.ReportAnchored!(`0x${hash}`));
    expect(anchoredEvents).toHaveLength(1);
    expect((await client.verifyReport(hash, ANY_ISSUER)).verdict).toBe(Verdict.VERIFIED);
  });

  it('treats every write already done as done: batches, revocations and members', async () => {
    const issuer = testWriter(client);
    const batch = buildReportBatch([newHash(), newHash()]);
    expect((await issuer.anchorBatch(batch.merkleRoot, in30Days(), batch.leafCount)).outcome).toBe('sent');
    expect(await issuer.anchorBatch(batch.merkleRoot, in30Days(), batch.leafCount)).toEqual({
      outcome: 'already-recorded',
    });

    const hash = newHash();
    await issuer.anchorReport(hash, in30Days());
    expect((await issuer.revoke(hash, 2)).outcome).toBe('sent');
    expect(await issuer.revoke(hash, 2)).toEqual({ outcome: 'already-recorded' });

    const [inBatch] = [...batch.proofs.keys()] as [string];
    const proof = batch.proofs.get(inBatch)!;
    expect((await issuer.revokeInBatch(inBatch, proof, batch.merkleRoot, 4)).outcome).toBe('sent');
    expect(await issuer.revokeInBatch(inBatch, proof, batch.merkleRoot, 4)).toEqual({ outcome: 'already-recorded' });

    const admin = testWriter(client, DEV_KEYS.admin);
    const account = Wallet.createRandom().address;
    expect((await admin.addMember('issuer', account, 'Retry CRA', 'HK')).outcome).toBe('sent');
    expect(await admin.addMember('issuer', account, 'Retry CRA', 'HK')).toEqual({ outcome: 'already-recorded' });
    expect((await admin.removeMember('issuer', account)).outcome).toBe('sent');
    expect(await admin.removeMember('issuer', account)).toEqual({ outcome: 'already-recorded' });
  });

  it('refuses to present a revoked report as anchored again', async () => {
    const writer = testWriter(client);
    const hash = newHash();
    await writer.anchorReport(hash, in30Days());
    await writer.revoke(hash, 1);
    const refusal = await writer.anchorReport(hash, in30Days()).catch((error: unknown) => error);
    expect((refusal as LedgerRevertError).errorName).toBe('AlreadyRevoked');
  });

  it('refuses malformed input as final, before anything is sent', async () => {
    const writer = testWriter(client);
    const nonce = await client.provider.getTransactionCount(writer.address);
    await expect(writer.anchorReport('ABC', in30Days())).rejects.toThrow(LedgerInputError);
    await expect(writer.anchorReport(newHash(), new Date('2200-01-01'))).rejects.toThrow(/between 1970 and 2106/);
    await expect(writer.anchorBatch('0x1234', in30Days(), 2)).rejects.toThrow(LedgerInputError);
    await expect(client.verifyReport(newHash().toUpperCase(), ANY_ISSUER)).rejects.toThrow(LedgerInputError);
    expect(await client.provider.getTransactionCount(writer.address)).toBe(nonce);
  });

  it('sends many concurrent writes from one signer without a nonce failure', async () => {
    const writer = testWriter(client, DEV_KEYS.issuerCN);
    const hashes = Array.from({ length: 12 }, newHash);
    const outcomes = await Promise.all(hashes.map((hash) => writer.anchorReport(hash, in30Days())));
    expect(outcomes.every((o) => o.outcome === 'sent')).toBe(true);
    for (const hash of hashes) expect((await client.verifyReport(hash, ANY_ISSUER)).verdict).toBe(Verdict.VERIFIED);
  });

  it('refuses with a decoded, final error what the contract refuses', async () => {
    const hash = newHash();
    await testWriter(client, DEV_KEYS.issuerHK).anchorReport(hash, in30Days());
    const refusal = await testWriter(client, DEV_KEYS.issuerCN)
      .anchorReport(hash, in30Days())
      .catch((error: unknown) => error);
    expect(refusal).toBeInstanceOf(LedgerRevertError);
    expect((refusal as LedgerRevertError).errorName).toBe('AnchoredByAnotherIssuer');
    const notIssuer = await testWriter(client, DEV_KEYS.recorder)
      .anchorReport(newHash(), in30Days())
      .catch((error: unknown) => error);
    expect((notIssuer as LedgerRevertError).errorName).toBe('AccessControlUnauthorizedAccount');
    expect((notIssuer as LedgerRevertError).message).toMatch(/lacks the role/);
  });

  it('records evidence once and treats the same evidence again as done', async () => {
    const writer = testWriter(client, DEV_KEYS.recorder);
    const evidenceHash = newHash();
    const applicationRef = newHash();
    expect((await writer.recordEvidence(evidenceHash, applicationRef, EvidenceKind.Consent)).outcome).toBe('sent');
    expect(await writer.recordEvidence(evidenceHash, applicationRef, EvidenceKind.Consent)).toEqual({
      outcome: 'already-recorded',
    });
    await expect(client.evidenceOf(evidenceHash)).resolves.toMatchObject({
      applicationRef: `0x${applicationRef}`,
      kind: EvidenceKind.Consent,
      recorder: writer.address,
    });
    const conflict = await writer
      .recordEvidence(evidenceHash, newHash(), EvidenceKind.Consent)
      .catch((e: unknown) => e);
    expect((conflict as LedgerRevertError).errorName).toBe('EvidenceConflict');
  });

  it('manages members and lists them from the chain', async () => {
    const admin = testWriter(client, DEV_KEYS.admin);
    const account = Wallet.createRandom().address;
    await admin.addMember('issuer', account, 'Temporary CRA', 'MO');
    expect((await client.listMembers('issuer')).map((m) => m.address)).toContain(account);
    await admin.removeMember('issuer', account);
    const issuers = await client.listMembers('issuer');
    expect(issuers.map((m) => m.displayName).sort()).toEqual([
      'Demo Credit Reference Agency (HK)',
      'Demo Credit Reference Centre (CN)',
    ]);
    expect(await client.listMembers('recorder')).toEqual([
      expect.objectContaining({ displayName: 'lendbridge (development)', jurisdiction: 'HK', active: true }),
    ]);
  });
});

describe('LedgerWriter on a FISCO BCOS-like chain (london, legacy gas pricing)', () => {
  let ledger: TestLedger;
  let client: LedgerClient;

  beforeAll(async () => {
    ledger = await startTestLedger({ hardfork: 'london' });
    client = new LedgerClient(ledger.settings);
  }, 60_000);

  afterAll(async () => {
    client?.close();
    await ledger?.anvil.stop();
  });

  it('deploys the paris bytecode, anchors with type-0 transactions and verifies', async () => {
    const writer = new LedgerWriter(client, new Wallet(DEV_KEYS.issuerHK, client.provider), {
      gasPricing: 'legacy',
      txTimeoutMs: 20_000,
      confirmations: 0,
    });
    const hash = newHash();
    const outcome = await writer.anchorReport(hash, in30Days());
    if (outcome.outcome !== 'sent') throw new Error('expected a transaction');
    const tx = await client.provider.getTransaction(outcome.transaction.transactionHash);
    expect(tx?.type).toBe(0);
    expect((await client.verifyReport(hash, ANY_ISSUER)).verdict).toBe(Verdict.VERIFIED);
  });
});
