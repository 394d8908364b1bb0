import { StandardMerkleTree } from '@openzeppelin/merkle-tree';
import { Contract, hexlify, id, randomBytes, Wallet, type JsonRpcProvider } from 'ethers';
import fc from 'fast-check';
import { buildReportBatch, CREDIT_REPORT_REGISTRY_ABI, verifyBatchProof } from '../../../libs/ledger/src/index.js';
import { devProvider } from '../../../tools/stack/anvil.js';
import { DEV_KEYS } from '../../../tools/stack/dev-ledger.js';
import { advanceTime, as, eventsOf, latestTimestamp, mined, revertOf, STRANGER_KEY } from '../../support/chain.js';
import { startTestLedger, type TestLedger } from '../../support/ledger.js';

const Status = { Unknown: 0n, Valid: 1n, Revoked: 2n, Expired: 3n };
const ISSUER_ROLE = id('ISSUER_ROLE');
const randomHash = (): string => hexlify(randomBytes(32));

describe('CreditReportRegistry', () => {
  let ledger: TestLedger;
  let provider: JsonRpcProvider;
  let registry: Contract;
  let admin: Wallet, hk: Wallet, cn: Wallet, stranger: Wallet;
  let asAdmin: Contract, asHK: Contract, asCN: Contract, asStranger: Contract;
  const inDays = async (days: number): Promise<number> => (await latestTimestamp(provider)) + days * 86_400;

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
      expect((await revertOf(as(registry, wallet).anchor!(randomHash(), await inDays(30)))).name).toBe(
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
    it('records the issuer, times and block, and emits ReportAnchored', async () => {
      const hash = randomHash();
      const expiresAt = await inDays(30);
      const receipt = await mined(asHK.anchor!(hash, expiresAt));
      expect(eventsOf(receipt, registry.interface)).toEqual([
        ['ReportAnchored', [hash, hk.address, BigInt(expiresAt)]],
      ]);
      const v = await registry.verify!(hash);
      expect(v.status).toBe(Status.Valid);
      expect(v.issuer).toBe(hk.address);
      expect(v.issuerActive).toBe(true);
      expect(v.expiresAt).toBe(BigInt(expiresAt));
      expect(v.anchoredBlock).toBe(BigInt(receipt.blockNumber));
      expect(v.anchoredAt).toBe(BigInt((await provider.getBlock(receipt.blockNumber))!.timestamp));
    });

    it('refuses an account without the issuer role', async () => {
      expect(await revertOf(asStranger.anchor!(randomHash(), await inDays(30)))).toEqual({
        name: 'AccessControlUnauthorizedAccount',
        args: [stranger.address, ISSUER_ROLE],
      });
    });

    it('is a silent no-op when the same issuer anchors the same hash again', async () => {
      const hash = randomHash();
      const first = await mined(asHK.anchor!(hash, await inDays(30)));
      const again = await mined(asHK.anchor!(hash, await inDays(60)));
      expect(again.status).toBe(1);
      expect(eventsOf(again, registry.interface)).toEqual([]);
      const v = await registry.verify!(hash);
      expect(v.anchoredBlock).toBe(BigInt(first.blockNumber)); // the first anchor stands, expiry included
    });

    it('refuses a hash another issuer anchored', async () => {
      const hash = randomHash();
      await mined(asHK.anchor!(hash, await inDays(30)));
      expect(await revertOf(asCN.anchor!(hash, await inDays(30)))).toEqual({
        name: 'AnchoredByAnotherIssuer',
        args: [hash, hk.address],
      });
    });

    it('refuses a zero hash and an expiry that is not in the future', async () => {
      expect((await revertOf(asHK.anchor!('0x' + '00'.repeat(32), await inDays(30)))).name).toBe('InvalidArgument');
      const now = await latestTimestamp(provider);
      expect(await revertOf(asHK.anchor!(randomHash(), now - 1))).toEqual({
        name: 'ExpiryNotInFuture',
        args: [BigInt(now - 1)],
      });
    });
  });

  describe('anchorBatch', () => {
    it('anchors a Merkle root with its leaf count and emits BatchAnchored', async () => {
      const batch = buildReportBatch([1, 2, 3].map(() => randomHash().slice(2)));
      const expiresAt = await inDays(30);
      const receipt = await mined(asHK.anchorBatch!(batch.merkleRoot, expiresAt, batch.leafCount));
      expect(eventsOf(receipt, registry.interface)).toEqual([
        ['BatchAnchored', [batch.merkleRoot, hk.address, BigInt(expiresAt), 3n]],
      ]);
    });

    it('refuses an empty batch and is a no-op when repeated by the same issuer', async () => {
      const root = randomHash();
      expect((await revertOf(asHK.anchorBatch!(root, await inDays(30), 0))).name).toBe('InvalidArgument');
      await mined(asHK.anchorBatch!(root, await inDays(30), 2));
      expect(eventsOf(await mined(asHK.anchorBatch!(root, await inDays(30), 2)), registry.interface)).toEqual([]);
      expect((await revertOf(asCN.anchorBatch!(root, await inDays(30), 2))).name).toBe('AnchoredByAnotherIssuer');
    });
  });

  describe('revoke', () => {
    it('lets the anchoring issuer revoke with a reason code, announced by AnchorRevoked', async () => {
      const hash = randomHash();
      await mined(asHK.anchor!(hash, await inDays(30)));
      const receipt = await mined(asHK.revoke!(hash, 7));
      expect(eventsOf(receipt, registry.interface)).toEqual([['AnchorRevoked', [hash, hk.address, 7n]]]);
      const v = await registry.verify!(hash);
      expect([v.status, v.revocationReason]).toEqual([Status.Revoked, 7n]);
    });

    it("refuses issuer B revoking issuer A's anchor, but lets the admin revoke it", async () => {
      const hash = randomHash();
      await mined(asHK.anchor!(hash, await inDays(30)));
      expect(await revertOf(asCN.revoke!(hash, 1))).toEqual({ name: 'NotAnchoringIssuer', args: [hash, cn.address] });
      await mined(asAdmin.revoke!(hash, 2));
      expect((await registry.verify!(hash)).status).toBe(Status.Revoked);
    });

    it('refuses unknown hashes, second revocations and a zero reason', async () => {
      const unknown = randomHash();
      expect(await revertOf(asHK.revoke!(unknown, 1))).toEqual({ name: 'NotAnchored', args: [unknown] });
      const hash = randomHash();
      await mined(asHK.anchor!(hash, await inDays(30)));
      expect((await revertOf(asHK.revoke!(hash, 0))).name).toBe('InvalidArgument');
      await mined(asHK.revoke!(hash, 1));
      expect(await revertOf(asHK.revoke!(hash, 1))).toEqual({ name: 'AlreadyRevoked', args: [hash] });
    });

    it('revokes every report of a batch when its root is revoked', async () => {
      const hashes = [1, 2, 3, 4].map(() => randomHash().slice(2));
      const batch = buildReportBatch(hashes);
      await mined(asHK.anchorBatch!(batch.merkleRoot, await inDays(30), batch.leafCount));
      await mined(asHK.revoke!(batch.merkleRoot, 3));
      for (const hash of hashes) {
        const v = await registry.verifyInBatch!(`0x${hash}`, batch.proofs.get(hash), batch.merkleRoot);
        expect(v.status).toBe(Status.Revoked);
      }
    });
  });

  describe('revokeInBatch', () => {
    it('revokes one report of a batch and leaves the others valid', async () => {
      const hashes = [1, 2, 3].map(() => randomHash().slice(2));
      const batch = buildReportBatch(hashes);
      await mined(asHK.anchorBatch!(batch.merkleRoot, await inDays(30), batch.leafCount));
      const [bad, good] = hashes as [string, string];
      const receipt = await mined(asHK.revokeInBatch!(`0x${bad}`, batch.proofs.get(bad), batch.merkleRoot, 9));
      expect(eventsOf(receipt, registry.interface)).toEqual([
        ['ReportRevokedInBatch', [`0x${bad}`, batch.merkleRoot, hk.address, 9n]],
      ]);
      const revoked = await registry.verifyInBatch!(`0x${bad}`, batch.proofs.get(bad), batch.merkleRoot);
      expect([revoked.status, revoked.revocationReason]).toEqual([Status.Revoked, 9n]);
      expect((await registry.verifyInBatch!(`0x${good}`, batch.proofs.get(good), batch.merkleRoot)).status).toBe(
        Status.Valid,
      );
      expect(await revertOf(asHK.revokeInBatch!(`0x${bad}`, batch.proofs.get(bad), batch.merkleRoot, 9))).toEqual({
        name: 'AlreadyRevoked',
        args: [`0x${bad}`],
      });
    });

    it("refuses a report outside the batch, an unknown root, and another issuer's batch", async () => {
      const hashes = [1, 2].map(() => randomHash().slice(2));
      const batch = buildReportBatch(hashes);
      await mined(asHK.anchorBatch!(batch.merkleRoot, await inDays(30), batch.leafCount));
      const outsider = randomHash();
      const proof = batch.proofs.get(hashes[0]!);
      expect(await revertOf(asHK.revokeInBatch!(outsider, proof, batch.merkleRoot, 1))).toEqual({
        name: 'NotInBatch',
        args: [outsider, batch.merkleRoot],
      });
      const unknownRoot = randomHash();
      expect((await revertOf(asHK.revokeInBatch!(`0x${hashes[0]}`, proof, unknownRoot, 1))).name).toBe('NotAnchored');
      expect((await revertOf(asCN.revokeInBatch!(`0x${hashes[0]}`, proof, batch.merkleRoot, 1))).name).toBe(
        'NotAnchoringIssuer',
      );
    });
  });

  describe('anchorOf', () => {
    it('tells a single anchor from a batch root and shows revocations', async () => {
      const hash = randomHash();
      await mined(asHK.anchor!(hash, await inDays(30)));
      const root = randomHash();
      await mined(asHK.anchorBatch!(root, await inDays(30), 4));
      await mined(asHK.revoke!(root, 5));
      const single = await registry.anchorOf!(hash);
      const batch = await registry.anchorOf!(root);
      expect([single.issuer, single.isBatch, single.revocationReason]).toEqual([hk.address, false, 0n]);
      expect([batch.issuer, batch.isBatch, batch.revocationReason]).toEqual([hk.address, true, 5n]);
      expect((await registry.anchorOf!(randomHash())).issuer).toBe('0x' + '00'.repeat(20));
    });
  });

  describe('verify', () => {
    it('says Unknown for a hash never anchored, with the block it answered at', async () => {
      const v = await registry.verify!(randomHash());
      expect(v.status).toBe(Status.Unknown);
      expect(v.issuer).toBe('0x' + '00'.repeat(20));
      expect(v.currentBlock).toBe(BigInt(await provider.getBlockNumber()));
    });

    it('says Expired once the expiry has passed', async () => {
      const hash = randomHash();
      await mined(asHK.anchor!(hash, await inDays(1)));
      expect((await registry.verify!(hash)).status).toBe(Status.Valid);
      await advanceTime(provider, 86_400 + 1);
      expect((await registry.verify!(hash)).status).toBe(Status.Expired);
    });
  });

  describe('verifyInBatch', () => {
    let hashes: string[];
    let batch: ReturnType<typeof buildReportBatch>;

    beforeAll(async () => {
      hashes = Array.from({ length: 7 }, () => randomHash().slice(2));
      batch = buildReportBatch(hashes);
      await mined(asHK.anchorBatch!(batch.merkleRoot, await inDays(30), batch.leafCount));
    });

    it('accepts each report with its proof', async () => {
      for (const hash of hashes) {
        const v = await registry.verifyInBatch!(`0x${hash}`, batch.proofs.get(hash), batch.merkleRoot);
        expect([v.status, v.issuer]).toEqual([Status.Valid, hk.address]);
      }
    });

    it('says Unknown for a wrong proof, a wrong root and a wrong leaf', async () => {
      const [first, second] = hashes as [string, string];
      const wrongProof = await registry.verifyInBatch!(`0x${first}`, batch.proofs.get(second), batch.merkleRoot);
      const wrongRoot = await registry.verifyInBatch!(`0x${first}`, batch.proofs.get(first), randomHash());
      const wrongLeaf = await registry.verifyInBatch!(randomHash(), batch.proofs.get(first), batch.merkleRoot);
      expect([wrongProof.status, wrongRoot.status, wrongLeaf.status]).toEqual([
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
            await mined(asHK.anchorBatch!(b.merkleRoot, await inDays(30), b.leafCount));
            const member = batchHashes[pick % batchHashes.length]!;
            const proof = b.proofs.get(member)!;
            expect(verifyBatchProof(member, proof, b.merkleRoot)).toBe(true);
            expect((await registry.verifyInBatch!(`0x${member}`, proof, b.merkleRoot)).status).toBe(Status.Valid);
            const outsider = randomHash().slice(2);
            expect(verifyBatchProof(outsider, proof, b.merkleRoot)).toBe(false);
            expect((await registry.verifyInBatch!(`0x${outsider}`, proof, b.merkleRoot)).status).toBe(Status.Unknown);
          },
        ),
        { numRuns: 20 },
      );
    }, 60_000);
  });
});
