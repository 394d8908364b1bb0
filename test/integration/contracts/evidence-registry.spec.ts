import { Contract, hexlify, id, randomBytes, Wallet, type JsonRpcProvider } from 'ethers';
import { EVIDENCE_REGISTRY_ABI } from '../../../libs/ledger/src/index.js';
import { devProvider } from '../../../tools/stack/anvil.js';
import { DEV_KEYS } from '../../../tools/stack/dev-ledger.js';
import { as, eventsOf, mined, revertOf, STRANGER_KEY } from '../../support/chain.js';
import { startTestLedger, type TestLedger } from '../../support/ledger.js';

const Kind = { Unknown: 0, Consent: 1, Decision: 2 };
const randomHash = (): string => hexlify(randomBytes(32));

describe('EvidenceRegistry', () => {
  let ledger: TestLedger;
  let provider: JsonRpcProvider;
  let evidence: Contract;
  let recorder: Wallet;
  let asRecorder: Contract, asIssuer: Contract, asStranger: Contract;

  beforeAll(async () => {
    ledger = await startTestLedger();
    provider = devProvider(ledger.rpcUrl);
    evidence = new Contract(ledger.evidenceAddress, EVIDENCE_REGISTRY_ABI, provider);
    recorder = new Wallet(DEV_KEYS.recorder, provider);
    asRecorder = as(evidence, recorder);
    asIssuer = as(evidence, new Wallet(DEV_KEYS.issuerHK, provider));
    asStranger = as(evidence, new Wallet(STRANGER_KEY, provider));
  }, 60_000);

  afterAll(async () => {
    provider?.destroy();
    await ledger?.anvil.stop();
  });

  describe('record', () => {
    it('records a salted evidence hash for an application reference, announced by EvidenceRecorded', async () => {
      const [hash, ref] = [randomHash(), randomHash()];
      const receipt = await mined(asRecorder.record!(hash, ref, Kind.Decision));
      expect(eventsOf(receipt, evidence.interface)).toEqual([
        ['EvidenceRecorded', [hash, ref, BigInt(Kind.Decision), recorder.address]],
      ]);
      const stored = await evidence.evidenceOf!(hash);
      expect([stored.recorder, stored.kind, stored.applicationRef, stored.recordedBlock]).toEqual([
        recorder.address,
        BigInt(Kind.Decision),
        ref,
        BigInt(receipt.blockNumber),
      ]);
    });

    it('refuses accounts without the recorder role, issuers included', async () => {
      for (const caller of [asStranger, asIssuer]) {
        const refusal = await revertOf(caller.record!(randomHash(), randomHash(), Kind.Consent));
        expect(refusal.name).toBe('AccessControlUnauthorizedAccount');
        expect(refusal.args[1]).toBe(id('RECORDER_ROLE'));
      }
    });

    it('is a silent no-op for the same evidence again, and refuses the hash with other details', async () => {
      const [hash, ref] = [randomHash(), randomHash()];
      await mined(asRecorder.record!(hash, ref, Kind.Consent));
      expect(eventsOf(await mined(asRecorder.record!(hash, ref, Kind.Consent)), evidence.interface)).toEqual([]);
      expect(await revertOf(asRecorder.record!(hash, randomHash(), Kind.Consent))).toEqual({
        name: 'EvidenceConflict',
        args: [hash],
      });
      expect((await revertOf(asRecorder.record!(hash, ref, Kind.Decision))).name).toBe('EvidenceConflict');
    });

    it('refuses zero hashes, zero references and the Unknown kind', async () => {
      const zero = '0x' + '00'.repeat(32);
      for (const args of [
        [zero, randomHash(), Kind.Consent],
        [randomHash(), zero, Kind.Consent],
        [randomHash(), randomHash(), Kind.Unknown],
      ]) {
        expect((await revertOf(asRecorder.record!(...args))).name).toBe('InvalidEvidence');
      }
    });
  });

  describe('evidenceOf', () => {
    it('returns a zero recorder for evidence never recorded', async () => {
      expect((await evidence.evidenceOf!(randomHash())).recorder).toBe('0x' + '00'.repeat(20));
    });
  });
});
