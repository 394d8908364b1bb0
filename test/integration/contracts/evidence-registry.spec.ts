import { Contract, hexlify, id, randomBytes, Wallet, type JsonRpcProvider } from 'ethers';
import { EVIDENCE_REGISTRY_ABI } from '#ledger';
import { devProvider } from '#stack/anvil';
import { DEV_KEYS, devWorkerKey } from '#stack/dev-ledger';
import { as, eventsOf, mined, revertOf, STRANGER_KEY } from '#test-support/chain';
import { startTestLedger, type TestLedger } from '#test-support/ledger';

const Kind = { Unknown: 0, Consent: 1, Decision: 2 };
const ZERO_ADDRESS = '0x' + '00'.repeat(20);
const randomHash = (): string => hexlify(randomBytes(32));

describe('EvidenceRegistry', () => {
  let ledger: TestLedger;
  let provider: JsonRpcProvider;
  let evidence: Contract;
  let admin: Wallet, lender: Wallet, replicaA: Wallet, replicaB: Wallet;
  let asAdmin: Contract, asLender: Contract, asReplicaA: Contract, asReplicaB: Contract;
  let asIssuer: Contract, asStranger: Contract;

  /** Another lender, added by the admin, with ether for gas. */
  async function otherLender(name: string): Promise<Wallet> {
    const wallet = await funded();
    await mined(asAdmin.addMember!(wallet.address, name, '0x434e'));
    return wallet;
  }

  async function funded(): Promise<Wallet> {
    const wallet = new Wallet(Wallet.createRandom().privateKey, provider);
    await mined(admin.sendTransaction({ to: wallet.address, value: 10n ** 18n }));
    return wallet;
  }

  /** `member` proposes `key` and the key accepts: from then on it records for `member`. */
  async function bind(member: Wallet, key: Wallet): Promise<void> {
    await mined(as(evidence, member).proposeKey!(key.address));
    await mined(as(evidence, key).acceptKey!(member.address));
  }

  beforeAll(async () => {
    ledger = await startTestLedger();
    provider = devProvider(ledger.rpcUrl);
    evidence = new Contract(ledger.evidenceAddress, EVIDENCE_REGISTRY_ABI, provider);
    [admin, lender, replicaA, replicaB] = [DEV_KEYS.admin, DEV_KEYS.recorder, devWorkerKey(0), devWorkerKey(1)].map(
      (key) => new Wallet(key, provider),
    ) as [Wallet, Wallet, Wallet, Wallet];
    [asAdmin, asLender, asReplicaA, asReplicaB] = [admin, lender, replicaA, replicaB].map((w) => as(evidence, w)) as [
      Contract,
      Contract,
      Contract,
      Contract,
    ];
    asIssuer = as(evidence, new Wallet(DEV_KEYS.issuerHK, provider));
    asStranger = as(evidence, new Wallet(STRANGER_KEY, provider));
  }, 60_000);

  afterAll(async () => {
    provider?.destroy();
    await ledger?.anvil.stop();
  });

  describe('record', () => {
    it("records in the member's namespace, announced by EvidenceRecorded with the sending key", async () => {
      const [hash, ref] = [randomHash(), randomHash()];
      const receipt = await mined(asReplicaA.record!(hash, ref, Kind.Decision));
      expect(eventsOf(receipt, evidence.interface)).toEqual([
        ['EvidenceRecorded', [lender.address, hash, ref, BigInt(Kind.Decision), replicaA.address]],
      ]);
      const stored = await evidence.evidenceOf!(lender.address, hash);
      expect([stored.recordedBy, stored.kind, stored.applicationRef, stored.recordedBlock]).toEqual([
        replicaA.address,
        BigInt(Kind.Decision),
        ref,
        BigInt(receipt.blockNumber),
      ]);
      expect((await evidence.evidenceOf!(replicaA.address, hash)).recordedAt).toBe(0n);
    });

    it('treats a retry on another replica of the same lender as the same record: a no-op', async () => {
      const [hash, ref] = [randomHash(), randomHash()];
      await mined(asReplicaA.record!(hash, ref, Kind.Consent));
      // Registry v1 refused this with EvidenceConflict, which failed an approved application.
      expect(eventsOf(await mined(asReplicaB.record!(hash, ref, Kind.Consent)), evidence.interface)).toEqual([]);
      expect(eventsOf(await mined(asLender.record!(hash, ref, Kind.Consent)), evidence.interface)).toEqual([]);
      expect((await evidence.evidenceOf!(lender.address, hash)).recordedBy).toBe(replicaA.address);
    });

    it("refuses the member's hash with other details, from any of its keys", async () => {
      const [hash, ref] = [randomHash(), randomHash()];
      await mined(asLender.record!(hash, ref, Kind.Consent));
      expect(await revertOf(asReplicaB.record!(hash, randomHash(), Kind.Consent))).toEqual({
        name: 'EvidenceConflict',
        args: [lender.address, hash],
      });
      expect((await revertOf(asReplicaA.record!(hash, ref, Kind.Decision))).name).toBe('EvidenceConflict');
    });

    it("keeps another lender out of this lender's namespace: the same hash lands in its own", async () => {
      const other = await otherLender('Other Bank (CN)');
      const [hash, ref] = [randomHash(), randomHash()];
      await mined(asLender.record!(hash, ref, Kind.Consent));
      await mined(as(evidence, other).record!(hash, randomHash(), Kind.Decision));
      const ours = await evidence.evidenceOf!(lender.address, hash);
      expect([ours.applicationRef, ours.kind, ours.recordedBy]).toEqual([ref, BigInt(Kind.Consent), lender.address]);
      expect((await evidence.evidenceOf!(other.address, hash)).kind).toBe(BigInt(Kind.Decision));
    });

    it('refuses accounts that record for no member, issuers included', async () => {
      for (const [caller, account] of [
        [asStranger, new Wallet(STRANGER_KEY).address],
        [asIssuer, new Wallet(DEV_KEYS.issuerHK).address],
      ] as const) {
        expect(await revertOf(caller.record!(randomHash(), randomHash(), Kind.Consent))).toEqual({
          name: 'UnauthorizedRecorder',
          args: [account],
        });
      }
    });

    it('refuses zero hashes, zero references and the Unknown kind', async () => {
      const zero = '0x' + '00'.repeat(32);
      for (const args of [
        [zero, randomHash(), Kind.Consent],
        [randomHash(), zero, Kind.Consent],
        [randomHash(), randomHash(), Kind.Unknown],
      ]) {
        expect((await revertOf(asLender.record!(...args))).name).toBe('InvalidEvidence');
      }
    });
  });

  describe('proposeKey', () => {
    it('proposes a key, announced by KeyProposed, which records nothing until it accepts; again is a no-op', async () => {
      const member = await otherLender('Proposing Bank (CN)');
      const key = await funded();
      const receipt = await mined(as(evidence, member).proposeKey!(key.address));
      expect(eventsOf(receipt, evidence.interface)).toEqual([['KeyProposed', [member.address, key.address]]]);
      expect(eventsOf(await mined(as(evidence, member).proposeKey!(key.address)), evidence.interface)).toEqual([]);
      expect(await evidence.isKeyProposed!(member.address, key.address)).toBe(true);
      expect([await evidence.recordsFor!(key.address), await evidence.keyMember!(key.address)]).toEqual([
        ZERO_ADDRESS,
        ZERO_ADDRESS,
      ]);
      expect(await revertOf(as(evidence, key).record!(randomHash(), randomHash(), Kind.Consent))).toEqual({
        name: 'UnauthorizedRecorder',
        args: [key.address],
      });
    });

    it('treats proposing a key that serves the caller already as a no-op', async () => {
      expect(eventsOf(await mined(asLender.proposeKey!(replicaA.address)), evidence.interface)).toEqual([]);
      expect(await evidence.isKeyProposed!(lender.address, replicaA.address)).toBe(false);
    });

    it("refuses another member's key, a member as key, the zero address and non-members", async () => {
      const other = await otherLender('Rival Bank (CN)');
      expect(await revertOf(as(evidence, other).proposeKey!(replicaA.address))).toEqual({
        name: 'KeyInUse',
        args: [replicaA.address, lender.address],
      });
      expect(await revertOf(as(evidence, other).proposeKey!(lender.address))).toEqual({
        name: 'KeyInUse',
        args: [lender.address, lender.address],
      });
      expect((await revertOf(asLender.proposeKey!(ZERO_ADDRESS))).name).toBe('ZeroAddress');
      const refusal = await revertOf(asStranger.proposeKey!(Wallet.createRandom().address));
      expect([refusal.name, refusal.args[1]]).toEqual(['AccessControlUnauthorizedAccount', id('RECORDER_ROLE')]);
    });
  });

  describe('acceptKey', () => {
    it('binds the key to the member once the key accepts, announced by KeyAccepted; again is a no-op', async () => {
      const member = await otherLender('Key Bank (CN)');
      const key = await funded();
      await mined(as(evidence, member).proposeKey!(key.address));
      const receipt = await mined(as(evidence, key).acceptKey!(member.address));
      expect(eventsOf(receipt, evidence.interface)).toEqual([['KeyAccepted', [member.address, key.address]]]);
      expect(eventsOf(await mined(as(evidence, key).acceptKey!(member.address)), evidence.interface)).toEqual([]);
      expect([await evidence.recordsFor!(key.address), await evidence.keyMember!(key.address)]).toEqual([
        member.address,
        member.address,
      ]);
      expect(await evidence.isKeyProposed!(member.address, key.address)).toBe(false);
      const [hash, ref] = [randomHash(), randomHash()];
      await mined(as(evidence, key).record!(hash, ref, Kind.Consent));
      expect((await evidence.evidenceOf!(member.address, hash)).recordedBy).toBe(key.address);
    });

    it('accepts only from the key itself, and only a proposal the member made', async () => {
      const member = await otherLender('Careful Bank (CN)');
      const key = await funded();
      // Nobody accepts on the key's behalf: a stranger or the member accepting binds only the sender, if anything.
      expect(await revertOf(asStranger.acceptKey!(member.address))).toEqual({
        name: 'KeyNotProposed',
        args: [new Wallet(STRANGER_KEY).address, member.address],
      });
      expect(await revertOf(as(evidence, member).acceptKey!(member.address))).toEqual({
        name: 'KeyInUse',
        args: [member.address, member.address],
      });
      expect(await revertOf(as(evidence, key).acceptKey!(member.address))).toEqual({
        name: 'KeyNotProposed',
        args: [key.address, member.address],
      });
      expect(await revertOf(as(evidence, key).acceptKey!(ZERO_ADDRESS))).toEqual({
        name: 'KeyNotProposed',
        args: [key.address, ZERO_ADDRESS],
      });
      expect(await evidence.recordsFor!(key.address)).toBe(ZERO_ADDRESS);
    });

    it('refuses a key serving a member already, and a member as key', async () => {
      const other = await otherLender('Second Bank (CN)');
      const key = await funded();
      await bind(other, key);
      const third = await otherLender('Third Bank (CN)');
      expect(await revertOf(as(evidence, third).proposeKey!(key.address))).toEqual({
        name: 'KeyInUse',
        args: [key.address, other.address],
      });
      expect(await revertOf(as(evidence, key).acceptKey!(third.address))).toEqual({
        name: 'KeyInUse',
        args: [key.address, other.address],
      });
      expect(await revertOf(as(evidence, lender).acceptKey!(other.address))).toEqual({
        name: 'KeyInUse',
        args: [lender.address, lender.address],
      });
    });

    it("refuses a removed member's proposal, and takes it once the member is back", async () => {
      const member = await otherLender('Paused Bank (CN)');
      const key = await funded();
      await mined(as(evidence, member).proposeKey!(key.address));
      await mined(asAdmin.removeMember!(member.address));
      expect(await revertOf(as(evidence, key).acceptKey!(member.address))).toEqual({
        name: 'NotMember',
        args: [member.address],
      });
      await mined(asAdmin.addMember!(member.address, 'Paused Bank (CN)', '0x434e'));
      await mined(as(evidence, key).acceptKey!(member.address));
      expect(await evidence.recordsFor!(key.address)).toBe(member.address);
    });
  });

  describe("a member trying to capture another member's key", () => {
    it('never gets it: the key accepts its own lender, records there, and the rival can neither revoke nor withdraw it', async () => {
      const [bankA, bankB] = [await otherLender('Bank A (HK)'), await otherLender('Bank B (CN)')];
      const key = await funded(); // B's new replica key, seen by A when it was funded
      // A proposes B's key first; under registry /2 this bound it to A, and B's authorisation reverted.
      await mined(as(evidence, bankA).proposeKey!(key.address));
      expect(await evidence.recordsFor!(key.address)).toBe(ZERO_ADDRESS);
      await bind(bankB, key);
      expect(await evidence.recordsFor!(key.address)).toBe(bankB.address);

      const [hash, ref] = [randomHash(), randomHash()];
      await mined(as(evidence, key).record!(hash, ref, Kind.Decision));
      expect((await evidence.evidenceOf!(bankB.address, hash)).applicationRef).toBe(ref);
      expect((await evidence.evidenceOf!(bankA.address, hash)).recordedAt).toBe(0n);

      expect(await revertOf(as(evidence, bankA).revokeKey!(key.address))).toEqual({
        name: 'KeyNotAuthorized',
        args: [key.address, bankA.address],
      });
      const withdrawn = await mined(as(evidence, bankA).withdrawKeyProposal!(key.address)); // only A's own
      expect(eventsOf(withdrawn, evidence.interface)).toEqual([['KeyProposalWithdrawn', [bankA.address, key.address]]]);
      expect(await evidence.recordsFor!(key.address)).toBe(bankB.address);
      expect(await revertOf(as(evidence, bankA).proposeKey!(key.address))).toEqual({
        name: 'KeyInUse',
        args: [key.address, bankB.address],
      });
    });
  });

  describe('withdrawKeyProposal', () => {
    it("withdraws the caller's pending proposal, announced by KeyProposalWithdrawn; again is a no-op", async () => {
      const [member, other] = [await otherLender('Hesitant Bank (CN)'), await otherLender('Patient Bank (CN)')];
      const key = await funded();
      await mined(as(evidence, member).proposeKey!(key.address));
      await mined(as(evidence, other).proposeKey!(key.address));
      const receipt = await mined(as(evidence, member).withdrawKeyProposal!(key.address));
      expect(eventsOf(receipt, evidence.interface)).toEqual([['KeyProposalWithdrawn', [member.address, key.address]]]);
      expect(eventsOf(await mined(as(evidence, member).withdrawKeyProposal!(key.address)), evidence.interface)).toEqual(
        [],
      );
      expect(await revertOf(as(evidence, key).acceptKey!(member.address))).toEqual({
        name: 'KeyNotProposed',
        args: [key.address, member.address],
      });
      // The other member's proposal is its own, untouched.
      expect(await evidence.isKeyProposed!(other.address, key.address)).toBe(true);
    });

    it('leaves a key that accepted untouched: that takes revokeKey', async () => {
      expect(eventsOf(await mined(asLender.withdrawKeyProposal!(replicaA.address)), evidence.interface)).toEqual([]);
      expect(await evidence.recordsFor!(replicaA.address)).toBe(lender.address);
    });
  });

  describe('revokeKey', () => {
    it('stops a key recording, announced by KeyRevoked; only its member may, and again is a no-op', async () => {
      const member = await otherLender('Revoking Bank (CN)');
      const key = await funded();
      await bind(member, key);
      await mined(as(evidence, key).record!(randomHash(), randomHash(), Kind.Consent));
      expect(await revertOf(asLender.revokeKey!(key.address))).toEqual({
        name: 'KeyNotAuthorized',
        args: [key.address, lender.address],
      });
      const receipt = await mined(as(evidence, member).revokeKey!(key.address));
      expect(eventsOf(receipt, evidence.interface)).toEqual([['KeyRevoked', [member.address, key.address]]]);
      expect(eventsOf(await mined(as(evidence, member).revokeKey!(key.address)), evidence.interface)).toEqual([]);
      expect(await evidence.recordsFor!(key.address)).toBe(ZERO_ADDRESS);
      expect((await revertOf(as(evidence, key).record!(randomHash(), randomHash(), Kind.Consent))).name).toBe(
        'UnauthorizedRecorder',
      );
      // A revoked key serves again only after a new proposal and a new acceptance.
      expect((await revertOf(as(evidence, key).acceptKey!(member.address))).name).toBe('KeyNotProposed');
    });
  });

  describe('removeMember', () => {
    it("stops a removed member's keys, keeps its evidence readable, and restores both if it is added back", async () => {
      const member = await otherLender('Leaving Bank (CN)');
      const key = await funded();
      await bind(member, key);
      const [hash, ref] = [randomHash(), randomHash()];
      await mined(as(evidence, key).record!(hash, ref, Kind.Consent));
      await mined(asAdmin.removeMember!(member.address));
      expect(await evidence.recordsFor!(key.address)).toBe(ZERO_ADDRESS);
      expect(await revertOf(as(evidence, key).record!(randomHash(), randomHash(), Kind.Consent))).toEqual({
        name: 'UnauthorizedRecorder',
        args: [key.address],
      });
      expect((await evidence.evidenceOf!(member.address, hash)).applicationRef).toBe(ref);
      await mined(asAdmin.addMember!(member.address, 'Returning Bank (CN)', '0x434e'));
      expect(await evidence.recordsFor!(key.address)).toBe(member.address);
    });

    it('refuses making a key that records for a member a member itself', async () => {
      expect(await revertOf(asAdmin.addMember!(replicaA.address, 'Replica', '0x484b'))).toEqual({
        name: 'KeyInUse',
        args: [replicaA.address, lender.address],
      });
    });
  });

  describe('evidenceOf', () => {
    it('returns all zero for evidence never recorded', async () => {
      const stored = await evidence.evidenceOf!(lender.address, randomHash());
      expect([stored.recordedAt, stored.recordedBy]).toEqual([0n, ZERO_ADDRESS]);
    });
  });
});
