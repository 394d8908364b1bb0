/**
 * Loads the key lendbridge signs ledger transactions with: a raw key from the environment (local
 * development) or an encrypted JSON keystore (production), never both.
 */
import { readFile } from 'node:fs/promises';
import { Wallet, type Provider } from 'ethers';
import { type SignerSource } from '#config';
import { LedgerSignerMissingError } from './ledger-errors.js';

export async function loadSigner(source: SignerSource, provider: Provider): Promise<Wallet> {
  switch (source.kind) {
    case 'key':
      return new Wallet(source.privateKey, provider);
    case 'keystore': {
      const wallet = await Wallet.fromEncryptedJson(await readFile(source.file, 'utf8'), source.password);
      return new Wallet(wallet.privateKey, provider);
    }
    case 'none':
      throw new LedgerSignerMissingError();
  }
}
