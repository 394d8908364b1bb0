import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encryptKeystoreJson, JsonRpcProvider, Wallet } from 'ethers';
import { LedgerSignerMissingError, loadSigner } from '#ledger';

describe('loadSigner', () => {
  const dir = mkdtempSync(join(tmpdir(), 'lendbridge-keystore-'));
  // Never contacted: a signer is only bound to it.
  const provider = new JsonRpcProvider('http://127.0.0.1:9', 1, { staticNetwork: true });
  const wallet = Wallet.createRandom();

  afterAll(() => {
    provider.destroy();
    rmSync(dir, { recursive: true, force: true });
  });

  it('signs with a raw key from the environment', async () => {
    const signer = await loadSigner({ kind: 'key', privateKey: wallet.privateKey }, provider);
    expect(signer.address).toBe(wallet.address);
  });

  it('decrypts an encrypted JSON keystore with its password, and refuses a wrong one', async () => {
    const file = join(dir, 'signer.json');
    // Light scrypt parameters keep the test quick; production keystores use the defaults.
    writeFileSync(
      file,
      await encryptKeystoreJson({ address: wallet.address, privateKey: wallet.privateKey }, 'correct horse', {
        scrypt: { N: 1024 },
      }),
    );
    const signer = await loadSigner({ kind: 'keystore', file, password: 'correct horse' }, provider);
    expect(signer.address).toBe(wallet.address);
    await expect(loadSigner({ kind: 'keystore', file, password: 'wrong' }, provider)).rejects.toThrow(/password/);
  });

  it('says how to configure a signer when there is none', async () => {
    await expect(loadSigner({ kind: 'none' }, provider)).rejects.toThrow(LedgerSignerMissingError);
    await expect(loadSigner({ kind: 'none' }, provider)).rejects.toThrow(/LEDGER_SIGNER_KEY or LEDGER_KEYSTORE_FILE/);
  });
});
