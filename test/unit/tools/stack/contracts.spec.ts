import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ABI_MODULES, compileContracts, REPO_ROOT, renderAbiModule } from '#stack/contracts';

describe('compileContracts', () => {
  const compiled = compileContracts();

  it('compiles the deployable contracts and skips interfaces and abstract bases', () => {
    expect(Object.keys(compiled).sort()).toEqual(['CreditReportRegistry', 'EvidenceRegistry']);
    for (const contract of Object.values(compiled)) expect(contract.bytecode).toMatch(/^0x[0-9a-f]{200,}$/);
  });

  it.each(['CreditReportRegistry', 'EvidenceRegistry'])(
    'emits no PUSH0 or MCOPY in %s, so it deploys on pre-Shanghai chains such as FISCO BCOS',
    (name) => {
      // With evmVersion paris solc never emits PUSH0 (0x5f) or MCOPY (0x5e); a drifted setting would.
      const opcodes = disassembleOpcodes(compiled[name]?.deployedBytecode.slice(2) ?? '');
      expect(opcodes.length).toBeGreaterThan(100);
      expect(opcodes).not.toContain(0x5f);
      expect(opcodes).not.toContain(0x5e);
    },
  );

  it.each(Object.entries(ABI_MODULES))('keeps the committed ABI of %s in step with the contract', (name, file) => {
    const contract = compiled[name];
    if (!contract) throw new Error(`${name} did not compile`);
    // On failure: run `npm run contracts:abi` and commit the result.
    expect(readFileSync(join(REPO_ROOT, file), 'utf8')).toBe(renderAbiModule(contract));
  });
});

/** Opcodes of runtime bytecode: the CBOR metadata tail is cut off and PUSH data skipped. */
function disassembleOpcodes(hex: string): number[] {
  const all = Buffer.from(hex, 'hex');
  const metadataLength = all.readUInt16BE(all.length - 2) + 2; // solc appends the length of its metadata
  const code = all.subarray(0, all.length - metadataLength);
  const opcodes: number[] = [];
  for (let i = 0; i < code.length; i++) {
    const op = code[i] ?? 0;
    opcodes.push(op);
    if (op >= 0x60 && op <= 0x7f) i += op - 0x5f; // PUSH1..PUSH32 carry 1..32 data bytes
  }
  return opcodes;
}
