import { type LendbridgeConfig } from '#config';
import { testConfig } from '#test-support/config';

/** Any well-formed addresses: the auth tests never reach the ledger, but the config requires them. */
const LEDGER = {
  LEDGER_REGISTRY_ADDRESS: '0x5FbDB2315678afecb367f032d93F642f64180aa3',
  LEDGER_EVIDENCE_ADDRESS: '0xe7f1725E7734CE288F8367e1Bb143E90bb3F0512',
};

/** A validated config whose AUTH_* variables are exactly `auth`; `undefined` unsets the test secret. */
export function authConfig(auth: Record<string, string | undefined> = {}): LendbridgeConfig {
  return testConfig({ ...LEDGER, ...auth });
}
