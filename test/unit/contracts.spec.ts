import { Interface } from 'ethers';
import { LEDGER_PROBE_ABI } from '../../libs/ledger/src/index.js';
import { compileContracts } from '../../tools/stack/contracts.js';

describe('compileContracts', () => {
  const compiled = compileContracts();

  it('compiles LedgerProbe to creation bytecode', () => {
    expect(compiled.LedgerProbe?.bytecode).toMatch(/^0x[0-9a-f]{100,}$/);
  });

  it('emits no PUSH0 opcode, so the bytecode deploys on pre-Shanghai chains such as FISCO BCOS', () => {
    // With evmVersion paris solc never emits PUSH0 (0x5f); a drifted setting would.
    const runtime = compiled.LedgerProbe?.bytecode ?? '';
    const opcodes = disassembleOpcodes(runtime.slice(2));
    expect(opcodes).not.toContain(0x5f);
  });

  it('matches the ABI the ledger client is written against', () => {
    const compiledAbi = new Interface(compiled.LedgerProbe?.abi ?? []);
    const clientAbi = new Interface(LEDGER_PROBE_ABI);
    clientAbi.forEachFunction((fn) => {
      expect(compiledAbi.getFunction(fn.selector)?.format('full')).toBe(fn.format('full'));
    });
  });
});

/** Opcodes of hex bytecode, skipping PUSH data so data bytes are not mistaken for opcodes. */
function disassembleOpcodes(hex: string): number[] {
  const bytes = Buffer.from(hex, 'hex');
  const opcodes: number[] = [];
  for (let i = 0; i < bytes.length; i++) {
    const op = bytes[i] ?? 0;
    opcodes.push(op);
    if (op >= 0x60 && op <= 0x7f) i += op - 0x5f; // PUSH1..PUSH32 carry 1..32 data bytes
    if (op === 0xfe) break; // INVALID marks the start of the metadata/constructor data tail
  }
  return opcodes;
}
