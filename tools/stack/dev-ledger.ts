/**
 * The ledger of the local stack and of the tests: both registries deployed, two credit reference
 * agencies (HK and CN) as issuers trusted for credit reports and business registrations, two banks
 * (HK and CN) as issuers trusted for bank statements only, lendbridge's own lender as recorder
 * member, and one signing key
 * per worker replica, proposed by that member and accepted by the key, so replicas never race one
 * another for nonces.
 */
import { keccak256, toUtf8Bytes, Wallet } from 'ethers';
import { StandardDocumentKind } from '#domain';
import { LedgerClient, LedgerWriter } from '#ledger';
import { DEV_DEPLOYER_KEY } from './anvil.js';
import { compileContracts, deployContracts, type DeploymentRecord } from './contracts.js';

/** Anvil's well-known development keys (public knowledge: never use them on a real chain). */
export const DEV_KEYS = {
  admin: DEV_DEPLOYER_KEY,
  issuerHK: '0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d',
  issuerCN: '0x5de4111afa1a4b94908f83103eb1f1706367c2e68ca870fc3fb9a804cdab365a',
  recorder: '0x7c852118294e51e653712a81e05800f419141751be58f605c371e15141b007a6',
  // Anvil's accounts 5 and 6 (account 4 is the tests' stranger, test/support/chain.ts).
  bankHK: '0x8b3a350cf5c34c9194ca85829a2df0ec3153be0318b5e2d3348e872092edffba',
  bankCN: '0x92db14e403b83dfe3df233f83dfa3a0d7096f21ca9b0d6d6b8d88b2b4ec1564e',
} as const;

/** What a credit reference agency anchors on the development ledger. */
const AGENCY_KINDS = [
  StandardDocumentKind.PERSONAL_CREDIT_REPORT,
  StandardDocumentKind.CORPORATE_CREDIT_REPORT,
  StandardDocumentKind.BUSINESS_REGISTRATION,
] as const;
/** What a bank anchors: its statements, and nothing else. */
const BANK_KINDS = [StandardDocumentKind.BANK_STATEMENT] as const;

export const DEV_MEMBERS = [
  {
    of: 'issuer',
    key: DEV_KEYS.issuerHK,
    name: 'Demo Credit Reference Agency (HK)',
    jurisdiction: 'HK',
    kinds: AGENCY_KINDS,
  },
  {
    of: 'issuer',
    key: DEV_KEYS.issuerCN,
    name: 'Demo Credit Reference Centre (CN)',
    jurisdiction: 'CN',
    kinds: AGENCY_KINDS,
  },
  { of: 'issuer', key: DEV_KEYS.bankHK, name: 'Demo Bank (HK)', jurisdiction: 'HK', kinds: BANK_KINDS },
  { of: 'issuer', key: DEV_KEYS.bankCN, name: 'Demo Bank (CN)', jurisdiction: 'CN', kinds: BANK_KINDS },
  { of: 'recorder', key: DEV_KEYS.recorder, name: 'lendbridge (development)', jurisdiction: 'HK', kinds: [] },
] as const;

/** Worker replicas the development ledger prepares a key for (the stacks run at most two today). */
export const DEV_WORKER_KEY_COUNT = 4;

/**
 * The signing key of worker replica `index` on the development ledger: derived from a fixed phrase,
 * so every stack and test agrees on it; funded at deploy, proposed by the development recorder and
 * accepted by the key itself.
 */
export function devWorkerKey(index: number): string {
  if (!Number.isInteger(index) || index < 0 || index >= DEV_WORKER_KEY_COUNT) {
    throw new Error(`the development ledger prepares keys for worker replicas 0-${DEV_WORKER_KEY_COUNT - 1}`);
  }
  return keccak256(toUtf8Bytes(`lendbridge development worker replica ${index}`));
}

export interface DevLedgerAddresses {
  registryAddress: string;
  evidenceAddress: string;
}

export function devLedgerAddresses(record: DeploymentRecord): DevLedgerAddresses {
  const registryAddress = record.contracts.CreditReportRegistry?.address;
  const evidenceAddress = record.contracts.EvidenceRegistry?.address;
  if (!registryAddress || !evidenceAddress) throw new Error('deployment record lacks the registries');
  return { registryAddress, evidenceAddress };
}

/** Ether each worker key gets at deployment: far more than any run spends on gas. */
const WORKER_KEY_FUNDS = 10n ** 20n;

/**
 * Deploys both registries with the development admin, adds the development members, grants each
 * issuer its document kinds, funds the
 * worker replicas' keys, and binds each to the development recorder: the recorder proposes it, the
 * key accepts.
 */
export async function deployDevLedger(rpcUrl: string, chainId: number): Promise<DeploymentRecord> {
  const admin = new Wallet(DEV_KEYS.admin);
  const record = await deployContracts(rpcUrl, chainId, DEV_KEYS.admin, compileContracts(), [
    { name: 'CreditReportRegistry', args: [admin.address] },
    { name: 'EvidenceRegistry', args: [admin.address] },
  ]);
  const client = new LedgerClient({
    rpcUrl,
    chainId,
    ...devLedgerAddresses(record),
    timeoutMs: 5_000,
    confirmations: 0,
  });
  const settings = { gasPricing: 'auto', txTimeoutMs: 30_000, confirmations: 0 } as const;
  try {
    const asAdmin = new LedgerWriter(client, new Wallet(DEV_KEYS.admin, client.provider), settings);
    for (const member of DEV_MEMBERS) {
      const address = new Wallet(member.key).address;
      await asAdmin.addMember(member.of, address, member.name, member.jurisdiction);
      for (const kind of member.kinds) await asAdmin.grantKind(address, kind);
    }
    const asRecorder = new LedgerWriter(client, new Wallet(DEV_KEYS.recorder, client.provider), settings);
    const funder = new Wallet(DEV_KEYS.admin, client.provider);
    for (let index = 0; index < DEV_WORKER_KEY_COUNT; index++) {
      const asWorker = new LedgerWriter(client, new Wallet(devWorkerKey(index), client.provider), settings);
      await (await funder.sendTransaction({ to: asWorker.address, value: WORKER_KEY_FUNDS })).wait();
      await asRecorder.proposeKey(asWorker.address);
      await asWorker.acceptKey(asRecorder.address);
    }
  } finally {
    client.close();
  }
  return record;
}
