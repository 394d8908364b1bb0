/**
 * Compiles contracts/*.sol with solc-js (no compiler download) and deploys them. The EVM target is
 * pinned to paris so the same bytecode runs on FISCO BCOS >= 3.10, Besu and geth, which lack the
 * Cancun opcodes newer compilers emit by default.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ContractFactory, Interface, Wallet, type InterfaceAbi } from 'ethers';
import { devProvider } from './anvil.js';

const require = createRequire(import.meta.url);
// solc-js is CommonJS and untyped enough that one narrow interface is clearer than its own types.
const solc = require('solc') as {
  compile(input: string, callbacks?: { import(path: string): { contents: string } | { error: string } }): string;
  version(): string;
};

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const CONTRACTS_DIR = join(REPO_ROOT, 'contracts');
export const EVM_VERSION = 'paris';

export interface CompiledContract {
  name: string;
  abi: InterfaceAbi;
  /** Creation code: what a deployment sends. */
  bytecode: string;
  /** Runtime code: what ends up on chain. */
  deployedBytecode: string;
}

interface SolcOutput {
  errors?: { severity: 'error' | 'warning' | 'info'; formattedMessage: string }[];
  contracts?: Record<
    string,
    Record<string, { abi: InterfaceAbi; evm: { bytecode: { object: string }; deployedBytecode: { object: string } } }>
  >;
}

/** Compiles every contract under contracts/; throws with solc's messages on any error. */
export function compileContracts(): Record<string, CompiledContract> {
  const sources = Object.fromEntries(
    readdirSync(CONTRACTS_DIR)
      .filter((file) => file.endsWith('.sol'))
      .map((file) => [`contracts/${file}`, { content: readFileSync(join(CONTRACTS_DIR, file), 'utf8') }]),
  );
  const input = {
    language: 'Solidity',
    sources,
    settings: {
      evmVersion: EVM_VERSION,
      optimizer: { enabled: true, runs: 200 },
      outputSelection: { '*': { '*': ['abi', 'evm.bytecode.object', 'evm.deployedBytecode.object'] } },
    },
  };
  // Library imports (e.g. @openzeppelin/contracts/...) resolve from node_modules.
  const findImport = (path: string): { contents: string } | { error: string } => {
    try {
      return { contents: readFileSync(require.resolve(path), 'utf8') };
    } catch {
      return { error: `not found: ${path}` };
    }
  };
  const output = JSON.parse(solc.compile(JSON.stringify(input), { import: findImport })) as SolcOutput;
  const errors = (output.errors ?? []).filter((e) => e.severity === 'error');
  if (errors.length > 0) {
    throw new Error(`solc ${solc.version()} failed:\n${errors.map((e) => e.formattedMessage).join('\n')}`);
  }
  const compiled: Record<string, CompiledContract> = {};
  for (const [source, contracts] of Object.entries(output.contracts ?? {})) {
    if (!source.startsWith('contracts/')) continue;
    for (const [name, artifact] of Object.entries(contracts)) {
      // Interfaces and abstract contracts have no bytecode: nothing to deploy or call directly.
      if (artifact.evm.bytecode.object === '') continue;
      compiled[name] = {
        name,
        abi: artifact.abi,
        bytecode: `0x${artifact.evm.bytecode.object}`,
        deployedBytecode: `0x${artifact.evm.deployedBytecode.object}`,
      };
    }
  }
  return compiled;
}

/** Contracts whose ABI the ledger client imports, and the module each is written to. */
export const ABI_MODULES: Record<string, string> = {
  CreditReportRegistry: 'libs/ledger/src/abi/credit-report-registry.abi.ts',
  EvidenceRegistry: 'libs/ledger/src/abi/evidence-registry.abi.ts',
};

/** The TypeScript module holding a contract's human-readable ABI, as `npm run contracts:abi` writes it. */
export function renderAbiModule(contract: CompiledContract): string {
  const signatures = new Interface(contract.abi).format();
  const constName = `${contract.name.replace(/([a-z])([A-Z])/g, '$1_$2').toUpperCase()}_ABI`;
  return [
    `// Generated from contracts/${contract.name}.sol by \`npm run contracts:abi\`; do not edit.`,
    '// A unit test fails when this file and the contract disagree.',
    `export const ${constName} = [`,
    ...signatures.map((signature) => `  ${JSON.stringify(signature).replace(/^"|"$/g, "'")},`),
    '] as const;',
    '',
  ].join('\n');
}

export interface DeployedContract {
  address: string;
  transactionHash: string;
  blockNumber: number;
}

export interface DeploymentRecord {
  chainId: number;
  rpcUrl: string;
  deployedAt: string;
  /** SHA-256 over contracts/*.sol when deployed: a changed contract means a new deployment. */
  sourceHash: string;
  contracts: Record<string, DeployedContract>;
}

/** Fingerprint of the contract sources, so a stale deployment is noticed. */
export function contractSourceHash(): string {
  const hash = createHash('sha256');
  for (const file of readdirSync(CONTRACTS_DIR)
    .filter((f) => f.endsWith('.sol'))
    .sort()) {
    hash.update(file).update(readFileSync(join(CONTRACTS_DIR, file)));
  }
  return hash.digest('hex');
}

/** A contract to deploy and its constructor arguments. */
export interface DeploymentSpec {
  name: string;
  args: unknown[];
}

/** Deploys compiled contracts in order from `deployerKey`. */
export async function deployContracts(
  rpcUrl: string,
  chainId: number,
  deployerKey: string,
  compiled: Record<string, CompiledContract>,
  specs: DeploymentSpec[],
): Promise<DeploymentRecord> {
  const provider = devProvider(rpcUrl, chainId);
  try {
    const wallet = new Wallet(deployerKey, provider);
    const contracts: Record<string, DeployedContract> = {};
    for (const { name, args } of specs) {
      const artifact = compiled[name];
      if (!artifact) throw new Error(`contract ${name} is not among the compiled contracts`);
      const contract = await new ContractFactory(artifact.abi, artifact.bytecode, wallet).deploy(...args);
      const receipt = await contract.deploymentTransaction()?.wait();
      if (!receipt) throw new Error(`deployment of ${name} produced no receipt`);
      contracts[name] = {
        address: await contract.getAddress(),
        transactionHash: receipt.hash,
        blockNumber: receipt.blockNumber,
      };
    }
    return { chainId, rpcUrl, deployedAt: new Date().toISOString(), sourceHash: contractSourceHash(), contracts };
  } finally {
    provider.destroy();
  }
}

/**
 * Reuses the deployment recorded in `recordFile` when it is for this chain, from the current
 * contract sources, has every contract in `expected`, and each still has code on the node (anvil
 * state kept); otherwise runs `deploy` and records its result.
 */
export async function ensureDeployed(
  rpcUrl: string,
  chainId: number,
  recordFile: string,
  expected: readonly string[],
  deploy: () => Promise<DeploymentRecord>,
): Promise<{ record: DeploymentRecord; deployed: boolean }> {
  if (existsSync(recordFile)) {
    const record = JSON.parse(readFileSync(recordFile, 'utf8')) as DeploymentRecord;
    const addresses = expected.map((name) => record.contracts[name]?.address);
    if (record.chainId === chainId && record.sourceHash === contractSourceHash() && addresses.every(Boolean)) {
      const provider = devProvider(rpcUrl, chainId);
      try {
        const codes = await Promise.all(addresses.map((address) => provider.getCode(address!)));
        if (codes.every((code) => code !== '0x')) return { record, deployed: false };
      } finally {
        provider.destroy();
      }
    }
  }
  const record = await deploy();
  mkdirSync(dirname(recordFile), { recursive: true });
  writeFileSync(recordFile, `${JSON.stringify(record, null, 2)}\n`);
  return { record, deployed: true };
}
