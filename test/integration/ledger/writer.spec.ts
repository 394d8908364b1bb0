import { Contract, hexlify, randomBytes, Wallet } from 'ethers';
import { Verdict, type VerificationPolicy } from '#domain';
import { documentKindId } from '#hashing';
import {
  buildReportBatch,
  CREDIT_REPORT_REGISTRY_ABI,
  EVIDENCE_REGISTRY_ABI,
  EvidenceKind,
  FINAL_LEDGER_ERRORS,
  LedgerClient,
  LedgerInputError,
  LedgerOperatorActionError,
  LedgerRevertError,
  LedgerWriter,
  OperatorAction,
} from '#ledger';
import { DEV_KEYS, devWorkerKey } from '#stack/dev-ledger';
import { startTestLedger, testWriter, type TestLedger } from '#test-support/ledger';

const newHash = (): string => hexlify(randomBytes(32)).slice(2);
const in30Days = (): Date => new Date(Date.now() + 30 * 86_400_000);
const ANY_ISSUER: VerificationPolicy = { trustedIssuers: 'any-member', maxReportAgeSeconds: 30 * 86_400 };

const hk = new Wallet(DEV_KEYS.issuerHK).address;
const lender = new Wallet(DEV_KEYS.recorder).address;

describe('LedgerWriter', () => {
  let ledger: TestLedger;
  let client: LedgerClient;

  /** A fresh account, funded when `ether` is given. */
  async function account(ether = 0n): Promise<Wallet> {
    const wallet = new Wallet(Wallet.createRandom().privateKey, client.provider);
    if (ether > 0n) {
      const funder = new Wallet(DEV_KEYS.admin, client.provider);
      await (await funder.sendTransaction({ to: wallet.address, value: ether })).wait();
    }
    return wallet;
  }

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
    const first = await writer.anchorReport('personal-credit-report', hash, in30Days());
    expect(first.outcome).toBe('sent');
    const nonceAfterFirst = await client.provider.getTransactionCount(writer.address);
    await expect(writer.anchorReport('personal-credit-report', hash, in30Days())).resolves.toEqual({
      outcome: 'already-recorded',
    });
    expect(await client.provider.getTransactionCount(writer.address)).toBe(nonceAfterFirst);
  });

  it('survives a crash between sending and the receipt: the retry neither fails nor anchors twice', async () => {
    const hash = newHash();
    const registry = new Contract(ledger.registryAddress, CREDIT_REPORT_REGISTRY_ABI, client.provider);
    // Hold blocks back so the crashed attempt's transaction is still pending when the retry runs.
    await client.provider.send('evm_setAutomine', [false]);
    try {
      const crashed = registry.connect(new Wallet(DEV_KEYS.issuerHK, client.provider)) as Contract;
      await crashed
        .getFunction('anchor')
        .send(`0x${hash}`, documentKindId('personal-credit-report'), Math.floor(in30Days().getTime() / 1000));
      // The retried activity, in a fresh process (a fresh writer), sees no anchor yet and sends again.
      const retry = testWriter(client).anchorReport('personal-credit-report', hash, in30Days());
      const pending = async (): Promise<number> =>
        (await client.provider.getTransactionCount(hk, 'pending')) -
        (await client.provider.getTransactionCount(hk, 'latest'));
      while ((await pending()) < 2) await new Promise((resolve) => setTimeout(resolve, 20));
      expect((await mineUntilSettled(client, retry)).outcome).toBe('sent');
    } finally {
      await client.provider.send('evm_setAutomine', [true]);
    }
    // Both transactions succeeded; exactly one anchored, the other was the contract's no-op.
    const anchoredEvents = await registry.queryFilter(registry.filters.ReportAnchored!(hk, `0x${hash}`));
    expect(anchoredEvents).toHaveLength(1);
    expect((await client.verifyReport(hk, 'personal-credit-report', hash, ANY_ISSUER)).verdict).toBe(Verdict.VERIFIED);
  });

  it('treats every write already done as done: batches, revocations and members', async () => {
    const issuer = testWriter(client);
    const batch = buildReportBatch([newHash(), newHash()]);
    expect(
      (await issuer.anchorBatch('personal-credit-report', batch.merkleRoot, in30Days(), batch.leafCount)).outcome,
    ).toBe('sent');
    expect(await issuer.anchorBatch('personal-credit-report', batch.merkleRoot, in30Days(), batch.leafCount)).toEqual({
      outcome: 'already-recorded',
    });

    const hash = newHash();
    await issuer.anchorReport('personal-credit-report', hash, in30Days());
    expect((await issuer.revoke(hash, 2)).outcome).toBe('sent');
    expect(await issuer.revoke(hash, 2)).toEqual({ outcome: 'already-recorded' });
    const otherReason = await issuer.revoke(hash, 3).catch((error: unknown) => error);
    expect((otherReason as LedgerRevertError).errorName).toBe('AlreadyRevoked');
    expect((otherReason as LedgerRevertError).errorArgs).toEqual([hk, `0x${hash}`, 2n]);

    const [inBatch] = [...batch.proofs.keys()] as [string];
    const proof = batch.proofs.get(inBatch)!;
    expect((await issuer.revokeInBatch(inBatch, proof, batch.merkleRoot, 4)).outcome).toBe('sent');
    expect(await issuer.revokeInBatch(inBatch, proof, batch.merkleRoot, 4)).toEqual({ outcome: 'already-recorded' });
    expect((await issuer.revokeBatch(batch.merkleRoot, 5)).outcome).toBe('sent');
    expect(await issuer.revokeBatch(batch.merkleRoot, 5)).toEqual({ outcome: 'already-recorded' });

    const admin = testWriter(client, DEV_KEYS.admin);
    const account = Wallet.createRandom().address;
    expect((await admin.addMember('issuer', account, 'Retry CRA', 'HK')).outcome).toBe('sent');
    expect(await admin.addMember('issuer', account, 'Retry CRA', 'HK')).toEqual({ outcome: 'already-recorded' });
    expect((await admin.grantKind(account, 'bank-statement')).outcome).toBe('sent');
    expect(await admin.grantKind(account, 'bank-statement')).toEqual({ outcome: 'already-recorded' });
    expect((await admin.withdrawKind(account, 'bank-statement')).outcome).toBe('sent');
    expect(await admin.withdrawKind(account, 'bank-statement')).toEqual({ outcome: 'already-recorded' });
    expect((await admin.removeMember('issuer', account)).outcome).toBe('sent');
    expect(await admin.removeMember('issuer', account)).toEqual({ outcome: 'already-recorded' });
  });

  it('refuses to present a revoked report as anchored again', async () => {
    const writer = testWriter(client);
    const hash = newHash();
    await writer.anchorReport('personal-credit-report', hash, in30Days());
    await writer.revoke(hash, 1);
    const refusal = await writer
      .anchorReport('personal-credit-report', hash, in30Days())
      .catch((error: unknown) => error);
    expect((refusal as LedgerRevertError).errorName).toBe('AlreadyRevoked');
  });

  it('refuses malformed input as final, before anything is sent', async () => {
    const writer = testWriter(client);
    const nonce = await client.provider.getTransactionCount(writer.address);
    await expect(writer.anchorReport('personal-credit-report', 'ABC', in30Days())).rejects.toThrow(LedgerInputError);
    await expect(writer.anchorReport('personal-credit-report', newHash(), new Date('2200-01-01'))).rejects.toThrow(
      /between 1970 and 2106/,
    );
    await expect(writer.anchorBatch('personal-credit-report', '0x1234', in30Days(), 2)).rejects.toThrow(
      LedgerInputError,
    );
    await expect(
      client.verifyReport(hk, 'personal-credit-report', newHash().toUpperCase(), ANY_ISSUER),
    ).rejects.toThrow(LedgerInputError);
    await expect(writer.anchorReport('Credit Report', newHash(), in30Days())).rejects.toThrow(
      /not a document kind name/,
    );
    await expect(client.verifyReport(hk, 'credit report', newHash(), ANY_ISSUER)).rejects.toThrow(LedgerInputError);
    expect(await client.provider.getTransactionCount(writer.address)).toBe(nonce);
  });

  it('sends many concurrent writes from one signer without a nonce failure', async () => {
    const writer = testWriter(client, DEV_KEYS.issuerCN);
    const hashes = Array.from({ length: 12 }, newHash);
    const outcomes = await Promise.all(
      hashes.map((hash) => writer.anchorReport('personal-credit-report', hash, in30Days())),
    );
    expect(outcomes.every((o) => o.outcome === 'sent')).toBe(true);
    const cn = writer.address;
    for (const hash of hashes)
      expect((await client.verifyReport(cn, 'personal-credit-report', hash, ANY_ISSUER)).verdict).toBe(
        Verdict.VERIFIED,
      );
  });

  it('wins nonce races against other processes sharing its key: checks the chain again and resends', async () => {
    // Separate writers stand for separate processes: each takes the pending nonce from the node, so
    // they pick the same one and all but one lose. Before, the loser failed as "RPC unreachable".
    const key = (await account(10n ** 18n)).privateKey;
    await testWriter(client, DEV_KEYS.admin).addMember('issuer', new Wallet(key).address, 'Busy CRA', 'HK');
    await testWriter(client, DEV_KEYS.admin).grantKind(new Wallet(key).address, 'personal-credit-report');
    const writers = [1, 2, 3, 4].map(() => testWriter(client, key));
    const hashes = writers.map(() => [newHash(), newHash(), newHash()]);
    const outcomes = await Promise.all(
      writers.flatMap((writer, i) =>
        hashes[i]!.map((hash) => writer.anchorReport('personal-credit-report', hash, in30Days())),
      ),
    );
    expect(outcomes.every((o) => o.outcome === 'sent')).toBe(true);
    for (const hash of hashes.flat()) {
      expect(
        (await client.verifyReport(new Wallet(key).address, 'personal-credit-report', hash, ANY_ISSUER)).verdict,
      ).toBe(Verdict.VERIFIED);
    }
  });

  it('treats a write another process with the same key made while it retried as done', async () => {
    const key = DEV_KEYS.issuerCN;
    const hash = newHash();
    const outcomes = await Promise.all(
      [1, 2, 3].map(() => testWriter(client, key).anchorReport('personal-credit-report', hash, in30Days())),
    );
    // Whoever lost the nonce found the anchor on its next check, or sent a contract no-op: never a failure.
    expect(outcomes.filter((o) => o.outcome === 'sent').length).toBeGreaterThanOrEqual(1);
    const registry = new Contract(ledger.registryAddress, CREDIT_REPORT_REGISTRY_ABI, client.provider);
    const cn = new Wallet(key).address;
    expect(await registry.queryFilter(registry.filters.ReportAnchored!(cn, `0x${hash}`))).toHaveLength(1);
  });

  it('refuses with a decoded, final error what the contract refuses', async () => {
    const hash = newHash();
    await testWriter(client, DEV_KEYS.issuerHK).anchorReport('personal-credit-report', hash, in30Days());
    // Another issuer has nothing under this hash in its own namespace: there is nothing it can revoke.
    const refusal = await testWriter(client, DEV_KEYS.issuerCN)
      .revoke(hash, 1)
      .catch((error: unknown) => error);
    expect(refusal).toBeInstanceOf(LedgerRevertError);
    expect((refusal as LedgerRevertError).errorName).toBe('NotAnchored');
  });

  it('asks an operator to grant a missing role, retryably: the same write succeeds once granted', async () => {
    const newcomer = await account(10n ** 18n);
    const writer = testWriter(client, newcomer.privateKey);
    const hash = newHash();
    const refusal = await writer
      .anchorReport('personal-credit-report', hash, in30Days())
      .catch((error: unknown) => error);
    expect(refusal).toBeInstanceOf(LedgerOperatorActionError);
    expect((refusal as LedgerOperatorActionError).reason).toBe(OperatorAction.SIGNER_NOT_AUTHORISED);
    expect((refusal as Error).message).toContain(`${newcomer.address} lacks ISSUER_ROLE`);
    expect((refusal as Error).message).toContain('npm run admin -- add-issuer');
    expect(FINAL_LEDGER_ERRORS).not.toContain((refusal as Error).name);
    await testWriter(client, DEV_KEYS.admin).addMember('issuer', newcomer.address, 'Late CRA', 'HK');
    // A member not (yet) trusted for the kind: the same retryable operator action, naming the kind.
    const untrusted = await writer
      .anchorReport('personal-credit-report', hash, in30Days())
      .catch((error: unknown) => error);
    expect(untrusted).toBeInstanceOf(LedgerOperatorActionError);
    expect((untrusted as LedgerOperatorActionError).reason).toBe(OperatorAction.SIGNER_NOT_AUTHORISED);
    expect((untrusted as Error).message).toContain(
      `${newcomer.address} is not trusted for document kind ${documentKindId('personal-credit-report')}`,
    );
    expect((untrusted as Error).message).toContain('npm run admin -- grant-kind');
    await testWriter(client, DEV_KEYS.admin).grantKind(newcomer.address, 'personal-credit-report');
    expect((await writer.anchorReport('personal-credit-report', hash, in30Days())).outcome).toBe('sent');
  });

  it('asks an operator to fund a signer without ether, retryably: the same write succeeds once funded', async () => {
    const broke = await account();
    await testWriter(client, DEV_KEYS.admin).addMember('issuer', broke.address, 'Broke CRA', 'HK');
    await testWriter(client, DEV_KEYS.admin).grantKind(broke.address, 'personal-credit-report');
    const writer = testWriter(client, broke.privateKey);
    const hash = newHash();
    const refusal = await writer
      .anchorReport('personal-credit-report', hash, in30Days())
      .catch((error: unknown) => error);
    expect(refusal).toBeInstanceOf(LedgerOperatorActionError);
    expect((refusal as LedgerOperatorActionError).reason).toBe(OperatorAction.INSUFFICIENT_FUNDS);
    expect((refusal as Error).message).toContain(`${broke.address} has too little ether`);
    const funder = new Wallet(DEV_KEYS.admin, client.provider);
    await (await funder.sendTransaction({ to: broke.address, value: 10n ** 18n })).wait();
    expect((await writer.anchorReport('personal-credit-report', hash, in30Days())).outcome).toBe('sent');
  });

  it('records evidence once and treats the same evidence again as done', async () => {
    const writer = testWriter(client, DEV_KEYS.recorder);
    const evidenceHash = newHash();
    const applicationRef = newHash();
    expect((await writer.recordEvidence(evidenceHash, applicationRef, EvidenceKind.Consent)).outcome).toBe('sent');
    expect(await writer.recordEvidence(evidenceHash, applicationRef, EvidenceKind.Consent)).toEqual({
      outcome: 'already-recorded',
    });
    await expect(client.evidenceOf(lender, evidenceHash)).resolves.toMatchObject({
      member: lender,
      applicationRef: `0x${applicationRef}`,
      kind: EvidenceKind.Consent,
      recordedBy: writer.address,
    });
    const conflict = await writer
      .recordEvidence(evidenceHash, newHash(), EvidenceKind.Consent)
      .catch((e: unknown) => e);
    expect((conflict as LedgerRevertError).errorName).toBe('EvidenceConflict');
  });

  it("records through a replica's key into its lender's namespace; a retry on another replica is done", async () => {
    const [replicaA, replicaB] = [testWriter(client, devWorkerKey(0)), testWriter(client, devWorkerKey(1))];
    await expect(replicaA.recordingMember()).resolves.toBe(lender);
    const [evidenceHash, applicationRef] = [newHash(), newHash()];
    expect((await replicaA.recordEvidence(evidenceHash, applicationRef, EvidenceKind.Decision)).outcome).toBe('sent');
    // Before, replica B's retry reverted with EvidenceConflict and the approved application FAILED.
    expect(await replicaB.recordEvidence(evidenceHash, applicationRef, EvidenceKind.Decision)).toEqual({
      outcome: 'already-recorded',
    });
    await expect(client.evidenceOf(lender, evidenceHash)).resolves.toMatchObject({ recordedBy: replicaA.address });
  });

  it('lets two replicas whose attempts overlap both succeed, with one record on chain', async () => {
    const [evidenceHash, applicationRef] = [newHash(), newHash()];
    const evidence = new Contract(ledger.evidenceAddress, EVIDENCE_REGISTRY_ABI, client.provider);
    // Replica B's key sent one transaction already: it accepted the lender's proposal at deploy.
    const replicaB = new Wallet(devWorkerKey(3)).address;
    const sentBefore = await client.provider.getTransactionCount(replicaB, 'latest');
    await client.provider.send('evm_setAutomine', [false]);
    try {
      // Replica A's attempt sent and then lost (its worker died); replica B, retrying, sees nothing yet.
      const crashed = evidence.connect(new Wallet(devWorkerKey(2), client.provider)) as Contract;
      await crashed.getFunction('record').send(`0x${evidenceHash}`, `0x${applicationRef}`, EvidenceKind.Consent);
      const retry = testWriter(client, devWorkerKey(3)).recordEvidence(
        evidenceHash,
        applicationRef,
        EvidenceKind.Consent,
      );
      while ((await client.provider.getTransactionCount(replicaB, 'pending')) === sentBefore)
        await new Promise((resolve) => setTimeout(resolve, 20));
      expect((await mineUntilSettled(client, retry)).outcome).toBe('sent');
    } finally {
      await client.provider.send('evm_setAutomine', [true]);
    }
    expect(await evidence.queryFilter(evidence.filters.EvidenceRecorded!(lender, `0x${evidenceHash}`))).toHaveLength(1);
  });

  it('asks an operator to bind a key that records for nobody, and records once the lender proposed and it accepted', async () => {
    const key = await account(10n ** 18n);
    const writer = testWriter(client, key.privateKey, lender);
    const [evidenceHash, applicationRef] = [newHash(), newHash()];
    const refusal = await writer
      .recordEvidence(evidenceHash, applicationRef, EvidenceKind.Consent)
      .catch((error: unknown) => error);
    expect(refusal).toBeInstanceOf(LedgerOperatorActionError);
    expect((refusal as LedgerOperatorActionError).reason).toBe(OperatorAction.SIGNER_NOT_AUTHORISED);
    expect((refusal as Error).message).toContain(`npm run admin -- propose-key ${key.address}`);
    expect((refusal as Error).message).toContain(`accept-key ${lender} signed by ${key.address}`);
    const member = testWriter(client, DEV_KEYS.recorder);
    expect((await member.proposeKey(key.address)).outcome).toBe('sent');
    expect(await member.proposeKey(key.address)).toEqual({ outcome: 'already-recorded' });
    // Proposed is not bound: the key still records for nobody.
    await expect(writer.recordingMember()).rejects.toThrow(LedgerOperatorActionError);
    expect((await writer.acceptKey(lender)).outcome).toBe('sent');
    expect(await writer.acceptKey(lender)).toEqual({ outcome: 'already-recorded' });
    expect(await member.proposeKey(key.address)).toEqual({ outcome: 'already-recorded' });
    expect((await writer.recordEvidence(evidenceHash, applicationRef, EvidenceKind.Consent)).outcome).toBe('sent');
    expect((await member.revokeKey(key.address)).outcome).toBe('sent');
    expect(await member.revokeKey(key.address)).toEqual({ outcome: 'already-recorded' });
    await expect(writer.recordingMember()).rejects.toThrow(LedgerOperatorActionError);
    // A retry of what the key recorded before it was revoked is done; anything new waits for a key.
    expect(await writer.recordEvidence(evidenceHash, applicationRef, EvidenceKind.Consent)).toEqual({
      outcome: 'already-recorded',
    });
    await expect(writer.recordEvidence(newHash(), applicationRef, EvidenceKind.Consent)).rejects.toThrow(
      LedgerOperatorActionError,
    );
  });

  it('withdraws a proposal the key has not accepted; again is done', async () => {
    const key = await account(10n ** 18n);
    const member = testWriter(client, DEV_KEYS.recorder);
    await member.proposeKey(key.address);
    expect((await member.withdrawKeyProposal(key.address)).outcome).toBe('sent');
    expect(await member.withdrawKeyProposal(key.address)).toEqual({ outcome: 'already-recorded' });
    const refusal = await testWriter(client, key.privateKey)
      .acceptKey(lender)
      .catch((error: unknown) => error);
    expect((refusal as LedgerRevertError).errorName).toBe('KeyNotProposed');
  });

  it("never records into another lender's namespace than the configured one, retryably, sending nothing", async () => {
    // A key that serves another lender: here because it accepted that lender, as a mixed-up
    // deployment would have it (registry /2 let the other lender bind it unasked).
    const otherLender = await account(10n ** 18n);
    await testWriter(client, DEV_KEYS.admin).addMember('recorder', otherLender.address, 'Other Bank', 'CN');
    const key = await account(10n ** 18n);
    await testWriter(client, otherLender.privateKey).proposeKey(key.address);
    // With its lender configured, the key refuses another lender's proposal before sending anything.
    await expect(testWriter(client, key.privateKey, lender).acceptKey(otherLender.address)).rejects.toThrow(
      new LedgerInputError(
        `this key is for LEDGER_EVIDENCE_MEMBER ${lender}: it does not accept ${otherLender.address}'s proposal`,
      ),
    );
    await testWriter(client, key.privateKey).acceptKey(otherLender.address);

    const writer = testWriter(client, key.privateKey, lender);
    const [evidenceHash, applicationRef] = [newHash(), newHash()];
    const nonce = await client.provider.getTransactionCount(key.address);
    const refusal = await writer
      .recordEvidence(evidenceHash, applicationRef, EvidenceKind.Decision)
      .catch((error: unknown) => error);
    expect(refusal).toBeInstanceOf(LedgerOperatorActionError);
    expect((refusal as LedgerOperatorActionError).reason).toBe(OperatorAction.SIGNER_NOT_AUTHORISED);
    expect(FINAL_LEDGER_ERRORS).not.toContain((refusal as Error).name);
    expect((refusal as Error).message).toContain(
      `${key.address} records evidence for ${otherLender.address}, not for LEDGER_EVIDENCE_MEMBER ${lender}`,
    );
    expect((refusal as Error).message).toContain('npm run admin -- propose-key');
    expect(await client.provider.getTransactionCount(key.address)).toBe(nonce);
    await expect(client.evidenceOf(otherLender.address, evidenceHash)).resolves.toBeUndefined();

    // The lender's own member account is refused too when another lender is configured.
    const asMember = testWriter(client, DEV_KEYS.recorder, otherLender.address);
    await expect(asMember.recordingMember()).rejects.toThrow(`${lender} is a recorder member itself, not for`);

    // The expected lender matches whatever the case of its letters; unset, the key's own lender counts.
    await expect(testWriter(client, devWorkerKey(0), lender.toLowerCase()).recordingMember()).resolves.toBe(lender);
    await expect(testWriter(client, key.privateKey).recordingMember()).resolves.toBe(otherLender.address);
    await testWriter(client, DEV_KEYS.admin).removeMember('recorder', otherLender.address);
  });

  it('manages members and lists them from the chain', async () => {
    const admin = testWriter(client, DEV_KEYS.admin);
    const account = Wallet.createRandom().address;
    await admin.addMember('issuer', account, 'Temporary CRA', 'MO');
    expect((await client.listMembers('issuer')).map((m) => m.address)).toContain(account);
    await admin.removeMember('issuer', account);
    const issuers = await client.listMembers('issuer');
    expect(issuers.map((m) => m.address)).not.toContain(account);
    expect(issuers.map((m) => m.displayName)).toEqual(
      expect.arrayContaining(['Demo Credit Reference Agency (HK)', 'Demo Credit Reference Centre (CN)']),
    );
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
    const outcome = await writer.anchorReport('personal-credit-report', hash, in30Days());
    if (outcome.outcome !== 'sent') throw new Error('expected a transaction');
    const tx = await client.provider.getTransaction(outcome.transaction.transactionHash);
    expect(tx?.type).toBe(0);
    expect((await client.verifyReport(writer.address, 'personal-credit-report', hash, ANY_ISSUER)).verdict).toBe(
      Verdict.VERIFIED,
    );
  });
});

/**
 * Mines until `write` settles, as a chain with a block period would: ethers may start watching
 * for the receipt just after the only block, and would then wait for the next one.
 */
async function mineUntilSettled<T>(client: LedgerClient, write: Promise<T>): Promise<T> {
  let settled = false;
  const outcome = write.finally(() => (settled = true));
  while (!settled) {
    await client.provider.send('evm_mine', []);
    await Promise.race([outcome.catch(() => undefined), new Promise((resolve) => setTimeout(resolve, 250))]);
  }
  return await outcome;
}
