import { StandardMerkleTree } from '@openzeppelin/merkle-tree';
import { Contract, hexlify, id, randomBytes, Wallet, type JsonRpcProvider } from 'ethers';
import fc from 'fast-check';
import { StandardDocumentKind } from '#domain';
import { documentKindId } from '#hashing';
import { buildReportBatch, CREDIT_REPORT_REGISTRY_ABI, verifyBatchProof } from '#ledger';
import { devProvider } from '#stack/anvil';
import { DEV_KEYS } from '#stack/dev-ledger';
import { advanceTime, as, eventsOf, latestTimestamp, mined, revertOf, STRANGER_KEY } from '#test-support/chain';
import { startTestLedger, type TestLedger } from '#test-support/ledger';

const Status = { Unknown: 0n, Valid: 1n, Revoked: 2n, Expired: 3n };
const ISSUER_ROLE = id('ISSUER_ROLE');
const randomHash = (): string => hexlify(randomBytes(32));
const PCR = documentKindId(StandardDocumentKind.PERSONAL_CREDIT_REPORT);
const CORPORATE = documentKindId(StandardDocumentKind.CORPORATE_CREDIT_REPORT);
const STATEMENT = documentKindId(StandardDocumentKind.BANK_STATEMENT);

describe('CreditReportRegistry', () => {
  let ledger: TestLedger;
  let provider: JsonRpcProvider;
  let registry: Contract;
  let admin: Wallet, hk: Wallet, cn: Wallet, stranger: Wallet;
  let asAdmin: Contract, asHK: Contract, asCN: Contract, asStranger: Contract;
  const inDays = async (days: number): Promise<number> => (await latestTimestamp(provider)) + days * 86_400;

  /** A new issuer with ether for gas, granted `kinds` (personal credit reports unless told). */
  async function fundedIssuer(name: string, kinds: string[] = [PCR]): Promise<Wallet> {
    const wallet = new Wallet(Wallet.createRandom().privateKey, provider);
    await mined(admin.sendTransaction({ to: wallet.address, value: 10n ** 18n }));
    await mined(asAdmin.addMember!(wallet.address, name, '0x484b'));
    for (const kind of kinds) await mined(asAdmin.grantKind!(wallet.address, kind));
    return wallet;
  }

  beforeAll(async () => {
    ledger = await startTestLedger();
    provider = devProvider(ledger.rpcUrl);
    [admin, hk, cn, stranger] = [DEV_KEYS.admin, DEV_KEYS.issuerHK, DEV_KEYS.issuerCN, STRANGER_KEY].map(
      (key) => new Wallet(key, provider),
    ) as [Wallet, Wallet, Wallet, Wallet];
    registry = new Contract(ledger.registryAddress, CREDIT_REPORT_REGISTRY_ABI, provider);
    [asAdmin, asHK, asCN, asStranger] = [admin, hk, cn, stranger].map((w) => as(registry, w)) as [
      Contract,
      Contract,
      Contract,
      Contract,
    ];
  }, 60_000);

  afterAll(async () => {
    provider?.destroy();
    await ledger?.anvil.stop();
  });

  describe('addMember', () => {
    it('lets the admin add an issuer with its name and jurisdiction, announced by MemberAdded', async () => {
      const account = Wallet.createRandom().address;
      const receipt = await mined(asAdmin.addMember!(account, 'Macau CRA', '0x4d4f'));
      expect(eventsOf(receipt, registry.interface)).toContainEqual([
        'MemberAdded',
        [ISSUER_ROLE, account, 'Macau CRA', '0x4d4f'],
      ]);
      const [info, active] = (await registry.memberInfo!(account)) as [[string, string], boolean];
      expect([info[0], info[1], active]).toEqual(['Macau CRA', '0x4d4f', true]);
    });

    it('refuses callers who are not admin', async () => {
      const refusal = await revertOf(asHK.addMember!(Wallet.createRandom().address, 'X', '0x484b'));
      expect(refusal).toEqual({ name: 'AccessControlUnauthorizedAccount', args: [hk.address, '0x' + '00'.repeat(32)] });
    });

    it('refuses an existing member, the zero address and malformed metadata', async () => {
      expect(await revertOf(asAdmin.addMember!(hk.address, 'Again', '0x484b'))).toEqual({
        name: 'AlreadyMember',
        args: [hk.address],
      });
      const zero = '0x' + '00'.repeat(20);
      expect((await revertOf(asAdmin.addMember!(zero, 'Zero', '0x484b'))).name).toBe('ZeroAddress');
      const fresh = Wallet.createRandom().address;
      for (const [name, code] of [
        ['', '0x484b'],
        ['x'.repeat(65), '0x484b'],
        ['Lower case', '0x686b'],
        ['Digits', '0x3132'],
      ] as const) {
        expect(await revertOf(asAdmin.addMember!(fresh, name, code))).toEqual({
          name: 'InvalidMemberInfo',
          args: [fresh],
        });
      }
    });

    it('refuses granting the issuer role without metadata', async () => {
      expect(await revertOf(asAdmin.grantRole!(ISSUER_ROLE, stranger.address))).toEqual({
        name: 'MemberMetadataRequired',
        args: [ISSUER_ROLE],
      });
    });
  });

  describe('removeMember', () => {
    it('removes an issuer, which can then no longer anchor, but keeps its name for old receipts', async () => {
      const wallet = Wallet.createRandom().connect(provider);
      await mined(admin.sendTransaction({ to: wallet.address, value: 10n ** 18n }));
      await mined(asAdmin.addMember!(wallet.address, 'Short-lived CRA', '0x484b'));
      const receipt = await mined(asAdmin.removeMember!(wallet.address));
      expect(eventsOf(receipt, registry.interface)).toContainEqual(['MemberRemoved', [ISSUER_ROLE, wallet.address]]);
      const [info, active] = (await registry.memberInfo!(wallet.address)) as [[string, string], boolean];
      expect([info[0], active]).toEqual(['Short-lived CRA', false]);
      expect((await revertOf(as(registry, wallet).anchor!(randomHash(), PCR, await inDays(30)))).name).toBe(
        'AccessControlUnauthorizedAccount',
      );
    });

    it('refuses to remove a non-member', async () => {
      expect(await revertOf(asAdmin.removeMember!(stranger.address))).toEqual({
        name: 'NotMember',
        args: [stranger.address],
      });
    });
  });

  describe('anchor', () => {
    it('records the times and block under the issuer, and emits ReportAnchored', async () => {
      const hash = randomHash();
      const expiresAt = await inDays(30);
      const receipt = await mined(asHK.anchor!(hash, PCR, expiresAt));
      expect(eventsOf(receipt, registry.interface)).toEqual([
        ['ReportAnchored', [hk.address, hash, PCR, BigInt(expiresAt)]],
      ]);
      const v = await registry.verify!(hk.address, hash);
      expect(v.status).toBe(Status.Valid);
      expect(v.issuer).toBe(hk.address);
      expect(v.issuerActive).toBe(true);
      expect(v.expiresAt).toBe(BigInt(expiresAt));
      expect(v.anchoredBlock).toBe(BigInt(receipt.blockNumber));
      expect(v.anchoredAt).toBe(BigInt((await provider.getBlock(receipt.blockNumber))!.timestamp));
    });

    it('refuses an account without the issuer role', async () => {
      expect(await revertOf(asStranger.anchor!(randomHash(), PCR, await inDays(30)))).toEqual({
        name: 'AccessControlUnauthorizedAccount',
        args: [stranger.address, ISSUER_ROLE],
      });
    });

    it('is a silent no-op when the same issuer anchors the same hash again', async () => {
      const hash = randomHash();
      const first = await mined(asHK.anchor!(hash, PCR, await inDays(30)));
      const again = await mined(asHK.anchor!(hash, PCR, await inDays(60)));
      expect(again.status).toBe(1);
      expect(eventsOf(again, registry.interface)).toEqual([]);
      const v = await registry.verify!(hk.address, hash);
      expect(v.anchoredBlock).toBe(BigInt(first.blockNumber)); // the first anchor stands, expiry included
    });

    it('lets another issuer anchor the same hash in its own namespace, so nobody can squat on a hash', async () => {
      const hash = randomHash();
      const [cnExpiry, hkExpiry] = [await inDays(5), await inDays(30)];
      // CN sees HK's pending anchor and gets in first: under per-issuer namespaces that changes nothing for HK.
      await mined(asCN.anchor!(hash, PCR, cnExpiry));
      const receipt = await mined(asHK.anchor!(hash, PCR, hkExpiry));
      expect(eventsOf(receipt, registry.interface)).toEqual([
        ['ReportAnchored', [hk.address, hash, PCR, BigInt(hkExpiry)]],
      ]);
      const [asSeenForHK, asSeenForCN] = [
        await registry.verify!(hk.address, hash),
        await registry.verify!(cn.address, hash),
      ];
      expect([asSeenForHK.issuer, asSeenForHK.expiresAt]).toEqual([hk.address, BigInt(hkExpiry)]);
      expect([asSeenForCN.issuer, asSeenForCN.expiresAt]).toEqual([cn.address, BigInt(cnExpiry)]);
    });

    it('refuses a zero hash and an expiry that is not in the future', async () => {
      expect((await revertOf(asHK.anchor!('0x' + '00'.repeat(32), PCR, await inDays(30)))).name).toBe(
        'InvalidArgument',
      );
      const now = await latestTimestamp(provider);
      expect(await revertOf(asHK.anchor!(randomHash(), PCR, now - 1))).toEqual({
        name: 'ExpiryNotInFuture',
        args: [BigInt(now - 1)],
      });
    });
  });

  describe('anchorBatch', () => {
    it('anchors a Merkle root with its leaf count under the issuer and emits BatchAnchored', async () => {
      const batch = buildReportBatch([1, 2, 3].map(() => randomHash().slice(2)));
      const expiresAt = await inDays(30);
      const receipt = await mined(asHK.anchorBatch!(batch.merkleRoot, PCR, expiresAt, batch.leafCount));
      expect(eventsOf(receipt, registry.interface)).toEqual([
        ['BatchAnchored', [hk.address, batch.merkleRoot, PCR, BigInt(expiresAt), 3n]],
      ]);
      const stored = await registry.batchOf!(hk.address, batch.merkleRoot);
      expect([stored.leafCount, stored.expiresAt]).toEqual([3n, BigInt(expiresAt)]);
    });

    it('refuses an empty batch, is a no-op when repeated, and leaves other issuers their own namespace', async () => {
      const root = randomHash();
      expect((await revertOf(asHK.anchorBatch!(root, PCR, await inDays(30), 0))).name).toBe('InvalidArgument');
      await mined(asHK.anchorBatch!(root, PCR, await inDays(30), 2));
      expect(eventsOf(await mined(asHK.anchorBatch!(root, PCR, await inDays(30), 2)), registry.interface)).toEqual([]);
      expect(eventsOf(await mined(asCN.anchorBatch!(root, PCR, await inDays(30), 2)), registry.interface)).toHaveLength(
        1,
      );
    });
  });

  describe('revoke', () => {
    it('lets the anchoring issuer revoke with a reason code, announced by ReportRevoked', async () => {
      const hash = randomHash();
      await mined(asHK.anchor!(hash, PCR, await inDays(30)));
      const receipt = await mined(asHK.revoke!(hash, 7));
      expect(eventsOf(receipt, registry.interface)).toEqual([['ReportRevoked', [hk.address, hash, 7n]]]);
      const v = await registry.verify!(hk.address, hash);
      expect([v.status, v.revocationReason]).toEqual([Status.Revoked, 7n]);
      const stored = await registry.anchorOf!(hk.address, hash);
      expect([stored.revocationReason, stored.revokedAt > 0n]).toEqual([7n, true]);
    });

    it("finds nothing to revoke for issuer B or the admin in issuer A's anchor, which stays valid", async () => {
      const hash = randomHash();
      await mined(asHK.anchor!(hash, PCR, await inDays(30)));
      expect(await revertOf(asCN.revoke!(hash, 1))).toEqual({ name: 'NotAnchored', args: [cn.address, hash] });
      expect(await revertOf(asAdmin.revoke!(hash, 2))).toEqual({ name: 'NotAnchored', args: [admin.address, hash] });
      expect((await registry.verify!(hk.address, hash)).status).toBe(Status.Valid);
    });

    it('treats the same revocation again as a no-op and refuses another reason', async () => {
      const hash = randomHash();
      await mined(asHK.anchor!(hash, PCR, await inDays(30)));
      await mined(asHK.revoke!(hash, 1));
      expect(eventsOf(await mined(asHK.revoke!(hash, 1)), registry.interface)).toEqual([]);
      expect(await revertOf(asHK.revoke!(hash, 2))).toEqual({ name: 'AlreadyRevoked', args: [hk.address, hash, 1n] });
    });

    it('refuses unknown hashes and a zero reason', async () => {
      const unknown = randomHash();
      expect(await revertOf(asHK.revoke!(unknown, 1))).toEqual({ name: 'NotAnchored', args: [hk.address, unknown] });
      const hash = randomHash();
      await mined(asHK.anchor!(hash, PCR, await inDays(30)));
      expect((await revertOf(asHK.revoke!(hash, 0))).name).toBe('InvalidArgument');
    });

    it('lets a removed issuer still revoke its own anchors', async () => {
      const wallet = await fundedIssuer('Leaving CRA');
      const hash = randomHash();
      await mined(as(registry, wallet).anchor!(hash, PCR, await inDays(30)));
      await mined(asAdmin.removeMember!(wallet.address));
      await mined(as(registry, wallet).revoke!(hash, 3));
      const v = await registry.verify!(wallet.address, hash);
      expect([v.status, v.issuerActive]).toEqual([Status.Revoked, false]);
    });
  });

  describe('revokeBatch', () => {
    it('revokes every report of a batch, announced by BatchRevoked', async () => {
      const hashes = [1, 2, 3, 4].map(() => randomHash().slice(2));
      const batch = buildReportBatch(hashes);
      await mined(asHK.anchorBatch!(batch.merkleRoot, PCR, await inDays(30), batch.leafCount));
      const receipt = await mined(asHK.revokeBatch!(batch.merkleRoot, 3));
      expect(eventsOf(receipt, registry.interface)).toEqual([['BatchRevoked', [hk.address, batch.merkleRoot, 3n]]]);
      for (const hash of hashes) {
        const v = await registry.verifyInBatch!(hk.address, `0x${hash}`, batch.proofs.get(hash), batch.merkleRoot);
        expect([v.status, v.revocationReason]).toEqual([Status.Revoked, 3n]);
      }
    });

    it("cannot be reached by another issuer anchoring the victim's root as a report and revoking it", async () => {
      // The attack on the shared revocation map of registry v1: CN anchors HK's batch root as a single
      // "report", revokes it, and every report of HK's batch verified as REVOKED.
      const hashes = [1, 2, 3].map(() => randomHash().slice(2));
      const batch = buildReportBatch(hashes);
      await mined(asHK.anchorBatch!(batch.merkleRoot, PCR, await inDays(30), batch.leafCount));
      await mined(asCN.anchor!(batch.merkleRoot, PCR, await inDays(30)));
      await mined(asCN.revoke!(batch.merkleRoot, 9));
      expect(await revertOf(asCN.revokeBatch!(batch.merkleRoot, 9))).toEqual({
        name: 'NotAnchored',
        args: [cn.address, batch.merkleRoot],
      });
      for (const hash of hashes) {
        const v = await registry.verifyInBatch!(hk.address, `0x${hash}`, batch.proofs.get(hash), batch.merkleRoot);
        expect([v.status, v.revocationReason]).toEqual([Status.Valid, 0n]);
      }
      // HK can still revoke its own root.
      await mined(asHK.revokeBatch!(batch.merkleRoot, 4));
      expect((await registry.batchOf!(hk.address, batch.merkleRoot)).revocationReason).toBe(4n);
      expect((await registry.verify!(cn.address, batch.merkleRoot)).revocationReason).toBe(9n);
    });

    it('keeps a report anchored on its own apart from a batch root with the same value', async () => {
      const value = randomHash();
      await mined(asHK.anchor!(value, PCR, await inDays(30)));
      await mined(asHK.anchorBatch!(value, PCR, await inDays(30), 2));
      await mined(asHK.revoke!(value, 5));
      expect((await registry.batchOf!(hk.address, value)).revocationReason).toBe(0n);
      await mined(asHK.revokeBatch!(value, 6));
      expect((await registry.anchorOf!(hk.address, value)).revocationReason).toBe(5n);
      expect((await registry.batchOf!(hk.address, value)).revocationReason).toBe(6n);
    });
  });

  describe('revokeInBatch', () => {
    it('revokes one report of a batch and leaves the others valid', async () => {
      const hashes = [1, 2, 3].map(() => randomHash().slice(2));
      const batch = buildReportBatch(hashes);
      await mined(asHK.anchorBatch!(batch.merkleRoot, PCR, await inDays(30), batch.leafCount));
      const [bad, good] = hashes as [string, string];
      const receipt = await mined(asHK.revokeInBatch!(`0x${bad}`, batch.proofs.get(bad), batch.merkleRoot, 9));
      expect(eventsOf(receipt, registry.interface)).toEqual([
        ['ReportRevokedInBatch', [hk.address, batch.merkleRoot, `0x${bad}`, 9n]],
      ]);
      const revoked = await registry.verifyInBatch!(hk.address, `0x${bad}`, batch.proofs.get(bad), batch.merkleRoot);
      expect([revoked.status, revoked.revocationReason]).toEqual([Status.Revoked, 9n]);
      const other = await registry.verifyInBatch!(hk.address, `0x${good}`, batch.proofs.get(good), batch.merkleRoot);
      expect(other.status).toBe(Status.Valid);
      expect((await registry.revocationInBatch!(hk.address, batch.merkleRoot, `0x${bad}`)).reasonCode).toBe(9n);
      const again = await mined(asHK.revokeInBatch!(`0x${bad}`, batch.proofs.get(bad), batch.merkleRoot, 9));
      expect(eventsOf(again, registry.interface)).toEqual([]);
      expect(await revertOf(asHK.revokeInBatch!(`0x${bad}`, batch.proofs.get(bad), batch.merkleRoot, 8))).toEqual({
        name: 'AlreadyRevoked',
        args: [hk.address, `0x${bad}`, 9n],
      });
    });

    it("refuses a report outside the batch, an unknown root, and another issuer's batch", async () => {
      const hashes = [1, 2].map(() => randomHash().slice(2));
      const batch = buildReportBatch(hashes);
      await mined(asHK.anchorBatch!(batch.merkleRoot, PCR, await inDays(30), batch.leafCount));
      const outsider = randomHash();
      const proof = batch.proofs.get(hashes[0]!);
      expect(await revertOf(asHK.revokeInBatch!(outsider, proof, batch.merkleRoot, 1))).toEqual({
        name: 'NotInBatch',
        args: [outsider, batch.merkleRoot],
      });
      const unknownRoot = randomHash();
      expect((await revertOf(asHK.revokeInBatch!(`0x${hashes[0]}`, proof, unknownRoot, 1))).name).toBe('NotAnchored');
      expect(await revertOf(asCN.revokeInBatch!(`0x${hashes[0]}`, proof, batch.merkleRoot, 1))).toEqual({
        name: 'NotAnchored',
        args: [cn.address, batch.merkleRoot],
      });
      expect(await revertOf(asAdmin.revokeInBatch!(`0x${hashes[0]}`, proof, batch.merkleRoot, 1))).toEqual({
        name: 'NotAnchored',
        args: [admin.address, batch.merkleRoot],
      });
    });
  });

  describe('anchorOf and batchOf', () => {
    it('show what the issuer stored, and nothing for another issuer', async () => {
      const hash = randomHash();
      const expiresAt = await inDays(30);
      const receipt = await mined(asHK.anchor!(hash, PCR, expiresAt));
      const stored = await registry.anchorOf!(hk.address, hash);
      expect([stored.expiresAt, stored.anchoredBlock, stored.leafCount, stored.revocationReason]).toEqual([
        BigInt(expiresAt),
        BigInt(receipt.blockNumber),
        0n,
        0n,
      ]);
      expect((await registry.anchorOf!(cn.address, hash)).anchoredAt).toBe(0n);
      expect((await registry.batchOf!(hk.address, hash)).anchoredAt).toBe(0n);
    });
  });

  describe('verify', () => {
    it('says Unknown for a hash never anchored, with the block it answered at', async () => {
      const v = await registry.verify!(hk.address, randomHash());
      expect(v.status).toBe(Status.Unknown);
      expect(v.issuer).toBe('0x' + '00'.repeat(20));
      expect(v.currentBlock).toBe(BigInt(await provider.getBlockNumber()));
    });

    it('says Unknown for a hash anchored by another issuer than the one asked about', async () => {
      const hash = randomHash();
      await mined(asCN.anchor!(hash, PCR, await inDays(30)));
      expect((await registry.verify!(hk.address, hash)).status).toBe(Status.Unknown);
      expect((await registry.verify!(cn.address, hash)).status).toBe(Status.Valid);
    });

    it('says Expired once the expiry has passed', async () => {
      const hash = randomHash();
      await mined(asHK.anchor!(hash, PCR, await inDays(1)));
      expect((await registry.verify!(hk.address, hash)).status).toBe(Status.Valid);
      await advanceTime(provider, 86_400 + 1);
      expect((await registry.verify!(hk.address, hash)).status).toBe(Status.Expired);
    });

    it('shows a removed issuer as inactive, its anchors still readable', async () => {
      const wallet = await fundedIssuer('Soon-gone CRA');
      const hash = randomHash();
      await mined(as(registry, wallet).anchor!(hash, PCR, await inDays(30)));
      await mined(asAdmin.removeMember!(wallet.address));
      const v = await registry.verify!(wallet.address, hash);
      expect([v.status, v.issuer, v.issuerActive]).toEqual([Status.Valid, wallet.address, false]);
    });
  });

  describe('verifyInBatch', () => {
    let hashes: string[];
    let batch: ReturnType<typeof buildReportBatch>;

    beforeAll(async () => {
      hashes = Array.from({ length: 7 }, () => randomHash().slice(2));
      batch = buildReportBatch(hashes);
      await mined(asHK.anchorBatch!(batch.merkleRoot, PCR, await inDays(30), batch.leafCount));
    });

    it('accepts each report with its proof', async () => {
      for (const hash of hashes) {
        const v = await registry.verifyInBatch!(hk.address, `0x${hash}`, batch.proofs.get(hash), batch.merkleRoot);
        expect([v.status, v.issuer]).toEqual([Status.Valid, hk.address]);
      }
    });

    it('says Unknown for a wrong proof, a wrong root, a wrong leaf and another issuer', async () => {
      const [first, second] = hashes as [string, string];
      const check = (issuer: string, leaf: string, proof: unknown, root: string) =>
        registry.verifyInBatch!(issuer, leaf, proof, root) as Promise<{ status: bigint }>;
      const wrongProof = await check(hk.address, `0x${first}`, batch.proofs.get(second), batch.merkleRoot);
      const wrongRoot = await check(hk.address, `0x${first}`, batch.proofs.get(first), randomHash());
      const wrongLeaf = await check(hk.address, randomHash(), batch.proofs.get(first), batch.merkleRoot);
      const wrongIssuer = await check(cn.address, `0x${first}`, batch.proofs.get(first), batch.merkleRoot);
      expect([wrongProof.status, wrongRoot.status, wrongLeaf.status, wrongIssuer.status]).toEqual([
        Status.Unknown,
        Status.Unknown,
        Status.Unknown,
        Status.Unknown,
      ]);
    });

    it("computes the same leaf as OpenZeppelin's StandardMerkleTree", async () => {
      const hash = randomHash();
      const tree = StandardMerkleTree.of([[hash]], ['bytes32']);
      expect(await registry.batchLeaf!(hash)).toBe(tree.leafHash([hash]));
    });

    it('agrees with the off-chain check for any batch, proof and tampering (property)', async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.uniqueArray(fc.uint8Array({ minLength: 32, maxLength: 32 }), {
            minLength: 1,
            maxLength: 40,
            selector: (bytes) => Buffer.from(bytes).toString('hex'),
          }),
          fc.nat(),
          async (leaves, pick) => {
            const batchHashes = leaves.map((bytes) => Buffer.from(bytes).toString('hex'));
            const b = buildReportBatch(batchHashes);
            await mined(asHK.anchorBatch!(b.merkleRoot, PCR, await inDays(30), b.leafCount));
            const member = batchHashes[pick % batchHashes.length]!;
            const proof = b.proofs.get(member)!;
            expect(verifyBatchProof(member, proof, b.merkleRoot)).toBe(true);
            expect((await registry.verifyInBatch!(hk.address, `0x${member}`, proof, b.merkleRoot)).status).toBe(
              Status.Valid,
            );
            const outsider = randomHash().slice(2);
            expect(verifyBatchProof(outsider, proof, b.merkleRoot)).toBe(false);
            expect((await registry.verifyInBatch!(hk.address, `0x${outsider}`, proof, b.merkleRoot)).status).toBe(
              Status.Unknown,
            );
          },
        ),
        { numRuns: 20 },
      );
    }, 60_000);
  });

  describe('document kinds', () => {
    it('lets the admin grant a member a kind, announced by KindGranted, a repeat changing nothing', async () => {
      const wallet = await fundedIssuer('Kind CRA', []);
      expect([
        await registry.isTrustedFor!(wallet.address, CORPORATE),
        await registry.kindsOf!(wallet.address),
      ]).toEqual([false, []]);
      const receipt = await mined(asAdmin.grantKind!(wallet.address, CORPORATE));
      expect(eventsOf(receipt, registry.interface)).toEqual([['KindGranted', [wallet.address, CORPORATE]]]);
      expect(eventsOf(await mined(asAdmin.grantKind!(wallet.address, CORPORATE)), registry.interface)).toEqual([]);
      await mined(asAdmin.grantKind!(wallet.address, PCR));
      expect(await registry.isTrustedFor!(wallet.address, CORPORATE)).toBe(true);
      expect([...((await registry.kindsOf!(wallet.address)) as string[])].sort()).toEqual([CORPORATE, PCR].sort());
    });

    it('refuses a grant by a non-admin, to a non-member, of the zero kind, and past the per-issuer limit', async () => {
      expect(await revertOf(asHK.grantKind!(hk.address, STATEMENT))).toEqual({
        name: 'AccessControlUnauthorizedAccount',
        args: [hk.address, '0x' + '00'.repeat(32)],
      });
      expect(await revertOf(asAdmin.grantKind!(stranger.address, PCR))).toEqual({
        name: 'NotMember',
        args: [stranger.address],
      });
      expect((await revertOf(asAdmin.grantKind!(hk.address, '0x' + '00'.repeat(10)))).name).toBe('InvalidArgument');
      const wallet = await fundedIssuer('Many-kinds CRA', []);
      for (let i = 0; i < 16; i++) await mined(asAdmin.grantKind!(wallet.address, documentKindId(`kind-${i}`)));
      expect(await revertOf(asAdmin.grantKind!(wallet.address, PCR))).toEqual({
        name: 'TooManyKinds',
        args: [wallet.address],
      });
    });

    it('refuses to anchor a kind the issuer is not granted (KindNotTrusted), one by one and as a batch', async () => {
      const bank = await fundedIssuer('Kind-test bank', [STATEMENT]);
      expect(await revertOf(as(registry, bank).anchor!(randomHash(), PCR, await inDays(30)))).toEqual({
        name: 'KindNotTrusted',
        args: [bank.address, PCR],
      });
      expect(await revertOf(asHK.anchorBatch!(randomHash(), STATEMENT, await inDays(30), 2))).toEqual({
        name: 'KindNotTrusted',
        args: [hk.address, STATEMENT],
      });
      // A statement the bank anchors verifies as a statement, its issuer trusted for it.
      const hash = randomHash();
      const receipt = await mined(as(registry, bank).anchor!(hash, STATEMENT, await inDays(30)));
      expect(eventsOf(receipt, registry.interface)[0]?.[1]).toEqual([
        bank.address,
        hash,
        STATEMENT,
        expect.any(BigInt),
      ]);
      const v = await registry.verify!(bank.address, hash);
      expect([v.status, v.kind, v.issuerTrustedForKind]).toEqual([Status.Valid, STATEMENT, true]);
      expect((await registry.anchorOf!(bank.address, hash)).kind).toBe(STATEMENT);
    });

    it('never changes the kind of an anchor: another kind reverts AnchoredAsOtherKind, the same kind is a no-op', async () => {
      const wallet = await fundedIssuer('Two-kinds CRA', [PCR, CORPORATE]);
      const hash = randomHash();
      await mined(as(registry, wallet).anchor!(hash, PCR, await inDays(30)));
      expect(await revertOf(as(registry, wallet).anchor!(hash, CORPORATE, await inDays(30)))).toEqual({
        name: 'AnchoredAsOtherKind',
        args: [wallet.address, hash, PCR],
      });
      expect(
        eventsOf(await mined(as(registry, wallet).anchor!(hash, PCR, await inDays(30))), registry.interface),
      ).toEqual([]);
      const root = randomHash();
      await mined(as(registry, wallet).anchorBatch!(root, CORPORATE, await inDays(30), 2));
      expect(await revertOf(as(registry, wallet).anchorBatch!(root, PCR, await inDays(30), 2))).toEqual({
        name: 'AnchoredAsOtherKind',
        args: [wallet.address, root, CORPORATE],
      });
      // The same value as a report and as a batch root: separate records, each with its own kind.
      await mined(as(registry, wallet).anchor!(root, PCR, await inDays(30)));
      expect([
        (await registry.anchorOf!(wallet.address, root)).kind,
        (await registry.batchOf!(wallet.address, root)).kind,
      ]).toEqual([PCR, CORPORATE]);
      // Another issuer anchoring the hash as another kind touches only its own namespace.
      await mined(asCN.anchor!(hash, CORPORATE, await inDays(30)));
      expect((await registry.verify!(wallet.address, hash)).kind).toBe(PCR);
    });

    it("gives every report of a batch the batch's kind", async () => {
      const bank = await fundedIssuer('Batch bank', [STATEMENT]);
      const hashes = [1, 2, 3].map(() => randomHash().slice(2));
      const batch = buildReportBatch(hashes);
      const receipt = await mined(as(registry, bank).anchorBatch!(batch.merkleRoot, STATEMENT, await inDays(30), 3));
      expect(eventsOf(receipt, registry.interface)).toEqual([
        ['BatchAnchored', [bank.address, batch.merkleRoot, STATEMENT, expect.any(BigInt), 3n]],
      ]);
      for (const hash of hashes) {
        const v = await registry.verifyInBatch!(bank.address, `0x${hash}`, batch.proofs.get(hash), batch.merkleRoot);
        expect([v.status, v.kind, v.issuerTrustedForKind]).toEqual([Status.Valid, STATEMENT, true]);
      }
    });

    it('withdraws a kind: KindWithdrawn, no more anchors of it, and its anchors show the issuer untrusted for it', async () => {
      const wallet = await fundedIssuer('Withdrawn CRA', [PCR, CORPORATE]);
      const hash = randomHash();
      await mined(as(registry, wallet).anchor!(hash, PCR, await inDays(30)));
      expect(await revertOf(asHK.withdrawKind!(wallet.address, PCR))).toMatchObject({
        name: 'AccessControlUnauthorizedAccount',
      });
      const receipt = await mined(asAdmin.withdrawKind!(wallet.address, PCR));
      expect(eventsOf(receipt, registry.interface)).toEqual([['KindWithdrawn', [wallet.address, PCR]]]);
      expect(eventsOf(await mined(asAdmin.withdrawKind!(wallet.address, PCR)), registry.interface)).toEqual([]);
      const v = await registry.verify!(wallet.address, hash);
      expect([v.status, v.issuerActive, v.kind, v.issuerTrustedForKind]).toEqual([Status.Valid, true, PCR, false]);
      // A retry of the very same anchor is refused too: it would verify as untrusted.
      expect((await revertOf(as(registry, wallet).anchor!(hash, PCR, await inDays(30)))).name).toBe('KindNotTrusted');
      expect(await registry.kindsOf!(wallet.address)).toEqual([CORPORATE]);
      // Revoking its own anchor needs no kind.
      await mined(as(registry, wallet).revoke!(hash, 1));
    });

    it('clears the kinds of an issuer that stops being a member, so a re-admitted member starts with none', async () => {
      const wallet = await fundedIssuer('Returning CRA', [PCR, CORPORATE, STATEMENT]);
      const hash = randomHash();
      await mined(as(registry, wallet).anchor!(hash, CORPORATE, await inDays(30)));
      const receipt = await mined(asAdmin.removeMember!(wallet.address));
      const withdrawn = eventsOf(receipt, registry.interface).filter(([name]) => name === 'KindWithdrawn');
      expect(withdrawn.map(([, args]) => (args as string[])[1]).sort()).toEqual([PCR, CORPORATE, STATEMENT].sort());
      expect(await registry.kindsOf!(wallet.address)).toEqual([]);
      await mined(asAdmin.addMember!(wallet.address, 'Returning CRA', '0x484b'));
      expect([
        await registry.kindsOf!(wallet.address),
        await registry.isTrustedFor!(wallet.address, CORPORATE),
      ]).toEqual([[], false]);
      expect((await revertOf(as(registry, wallet).anchor!(randomHash(), CORPORATE, await inDays(30)))).name).toBe(
        'KindNotTrusted',
      );
      expect((await registry.verify!(wallet.address, hash)).issuerTrustedForKind).toBe(false);
      // Renouncing the role clears the kinds the same way.
      await mined(asAdmin.grantKind!(wallet.address, PCR));
      await mined(as(registry, wallet).renounceRole!(ISSUER_ROLE, wallet.address));
      expect(await registry.kindsOf!(wallet.address)).toEqual([]);
    });

    // The kind shares the anchor's one storage slot: a second slot would cost 20,000 gas more. Registry /2
    // measured 49,472 (BENCHMARKS.md); /3 adds the kind's calldata word, the event's kind topic (375) and
    // the kind read, which replaces the role read.
    it('keeps one anchor to one storage slot: about 50,300 gas, the kind check and its event topic included', async () => {
      const gas: bigint[] = [];
      for (let i = 0; i < 3; i++) gas.push((await mined(asHK.anchor!(randomHash(), PCR, await inDays(30)))).gasUsed);
      // Printed so BENCHMARKS.md can quote a measured figure.
      console.log(`gasUsed of single anchors: ${gas.join(', ')}`);
      for (const used of gas) expect(used).toBeLessThanOrEqual(51_000n);
    });
  });
});
