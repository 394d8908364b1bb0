/** `npm run contracts:abi`: compiles the contracts and rewrites the ABI modules the ledger client imports. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { ABI_MODULES, compileContracts, REPO_ROOT, renderAbiModule } from '#stack/contracts';

const compiled = compileContracts();
for (const [name, file] of Object.entries(ABI_MODULES)) {
  const contract = compiled[name];
  if (!contract) throw new Error(`contract ${name} did not compile`);
  mkdirSync(dirname(join(REPO_ROOT, file)), { recursive: true });
  writeFileSync(join(REPO_ROOT, file), renderAbiModule(contract));
  console.log(`wrote ${file}`);
}
