/**
 * The ledger of the local stack and of the tests: both registries deployed, two credit reference
 * agencies (HK and CN) as issuers and lendbridge's own recorder, all anvil development accounts.
 */
import { Wallet } from 'ethers';
import { LedgerClient, LedgerWriter } from '../../libs/ledger/src/index.js';
import { DEV_DEPLOYER_KEY } from './anvil.js';
import { compileContracts, deployContracts, type DeploymentRecord } from './contracts.js';

/** Anvil's well-known development keys (public knowledge: never use them on a real chain). */
export const DEV_KEYS = {
  admin: DEV_DEPLOYER_KEY,
  issuerHK: '0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d',
  issuerCN: '0x5de4111afa1a4b94908f83103eb1f1706367c2e68ca870fc3fb9a804cdab365a',
  recorder: '0x7c852118294e51e653712a81e05800f419141751be58f605c371e15141b007a6',
} as const;

export const DEV_MEMBERS = [
  { of: 'issuer', key: DEV_KEYS.issuerHK, name: 'Demo Credit Reference Agency (HK)', jurisdiction: 'HK' },
  { of: 'issuer', key: DEV_KEYS.issuerCN, name: 'Demo Credit Reference Centre (CN)', jurisdiction: 'CN' },
  { of: 'recorder', key: DEV_KEYS.recorder, name: 'lendbridge (development)', jurisdiction: 'HK' },
] as const;

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

/** Deploys both registries with the development admin and adds the development members. */
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
  try {
    const writer = new LedgerWriter(client, new Wallet(DEV_KEYS.admin, client.provider), {
      gasPricing: 'auto',
      txTimeoutMs: 30_000,
      confirmations: 0,
    });
    for (const member of DEV_MEMBERS) {
      await writer.addMember(member.of, new Wallet(member.key).address, member.name, member.jurisdiction);
    }
  } finally {
    client.close();
  }
  return record;
}
