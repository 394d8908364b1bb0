/**
 * `npm run action-keys -- new --key-id <id>`: makes the Ed25519 key pair the API signs actions with
 * and the workers check them with, printed as the two settings (ACTION_SIGNING_KEY for the API
 * alone, ACTION_VERIFY_KEYS for the workers). `npm run action-keys -- public <ACTION_SIGNING_KEY>`
 * prints the verification key of an existing signing key. See docs/trust.md.
 */
import { parseArgs } from 'node:util';
import { actionPublicKey, formatActionKeys, newActionSigningKey, parseActionKeys } from '#domain';

const USAGE = `usage: npm run -s action-keys -- new --key-id <id>
       npm run -s action-keys -- public <ACTION_SIGNING_KEY value>`;

function main(argv: string[]): number {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { 'key-id': { type: 'string' }, help: { type: 'boolean', short: 'h' } },
  });
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  const [command, argument] = positionals;
  if (command === 'new' && values['key-id'] && /^[A-Za-z0-9_.-]{1,64}$/.test(values['key-id'])) {
    const key = newActionSigningKey(values['key-id']);
    console.log(`ACTION_SIGNING_KEY=${formatActionKeys({ [key.keyId]: key.secretKey })}`);
    console.log(`ACTION_VERIFY_KEYS=${formatActionKeys({ [key.keyId]: actionPublicKey(key.secretKey) })}`);
    return 0;
  }
  const signing = command === 'public' && argument ? parseActionKeys(argument) : undefined;
  if (signing && Object.keys(signing).length === 1) {
    const [keyId, secretKey] = Object.entries(signing)[0]!;
    console.log(`ACTION_VERIFY_KEYS=${formatActionKeys({ [keyId]: actionPublicKey(secretKey) })}`);
    return 0;
  }
  console.error(USAGE);
  return 2;
}

try {
  process.exitCode = main(process.argv.slice(2));
} catch (error) {
  console.error(`error: ${error instanceof Error ? error.message : String(error)}\n\n${USAGE}`);
  process.exitCode = 2;
}
