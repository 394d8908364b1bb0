/**
 * `npm run admin -- <command>`: consortium governance and lenders' signing keys. The consortium
 * admin adds and removes trusted issuers (credit reference agencies) and evidence recorders
 * (lenders running lendbridge), and lists them. A lender (recorder member) authorises the keys its
 * worker replicas sign evidence with, and withdraws them.
 */
import { parseArgs } from 'node:util';
import { isAddress } from 'ethers';
import { DEV_KEYS } from '../stack/dev-ledger.js';
import { printOutcome, runCli, UsageError, type CliContext } from './cli-context.js';

const USAGE = `usage: npm run admin -- <command> [options]

consortium governance (signed by the contracts' admin):
  add-issuer <address> --name <display name> --jurisdiction <XX>
  remove-issuer <address>
  list-issuers
  add-recorder <address> --name <organisation> --jurisdiction <XX>
  remove-recorder <address>
  list-recorders

a lender's worker keys (signed by the lender's recorder member account):
  authorize-key <address>   let this key (one worker replica's) record evidence for the lender
  revoke-key <address>      withdraw it
  key <address>             which lender a key records evidence for

  --jurisdiction is an ISO 3166-1 alpha-2 code such as HK or CN.
  -h, --help                show this help

environment: as for npm run issuer. On the local stack the governance commands sign as the admin
(anvil's first development account), the key commands as the development lender.`;

const parse = () =>
  parseArgs({
    allowPositionals: true,
    options: {
      name: { type: 'string' },
      jurisdiction: { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
type Values = ReturnType<typeof parse>['values'];

const KEY_COMMANDS = new Set(['authorize-key', 'revoke-key']);

function address(value: string | undefined): string {
  if (!value || !isAddress(value))
    throw new UsageError(`"${value ?? ''}" is not an address (0x followed by 40 hex digits)`);
  return value;
}

async function add(ctx: CliContext, values: Values, of: 'issuer' | 'recorder', account: string): Promise<void> {
  const name = values.name ?? '';
  const jurisdiction = values.jurisdiction ?? '';
  if (name.length === 0) throw new UsageError('--name is required');
  if (!/^[A-Z]{2}$/.test(jurisdiction)) throw new UsageError('--jurisdiction must be two capital letters, e.g. HK');
  printOutcome(
    `added ${of} ${account} "${name}" (${jurisdiction})`,
    await (await ctx.writer()).addMember(of, account, name, jurisdiction),
  );
}

async function list(ctx: CliContext, of: 'issuer' | 'recorder'): Promise<void> {
  const members = await ctx.client.listMembers(of);
  if (members.length === 0) console.log(`no ${of}s`);
  for (const m of members) console.log(`${m.address}  ${m.jurisdiction}  ${m.displayName}`);
}

async function authorizeKey(ctx: CliContext, key: string): Promise<void> {
  const writer = await ctx.writer();
  const outcome = await writer.authorizeKey(key);
  printOutcome(`authorised key ${key} to record evidence for ${writer.address}`, outcome, 'already authorised');
}

async function revokeKey(ctx: CliContext, key: string): Promise<void> {
  const writer = await ctx.writer();
  const outcome = await writer.revokeKey(key);
  printOutcome(`withdrew key ${key} from ${writer.address}`, outcome, 'it records for no one');
}

async function showKey(ctx: CliContext, key: string): Promise<void> {
  const [recordsFor, authorisedBy] = await Promise.all([ctx.client.recordsFor(key), ctx.client.keyMember(key)]);
  if (recordsFor) {
    const member = await ctx.client.memberDetails(recordsFor, 'recorder');
    const how = recordsFor === key ? 'is a recorder member itself' : 'is authorised by';
    console.log(`${key} ${how} ${member.displayName} (${member.jurisdiction}) ${recordsFor}`);
  } else if (authorisedBy) {
    console.log(`${key} records for no one: it was authorised by ${authorisedBy}, which is no longer a member`);
  } else {
    console.log(`${key} records for no one`);
  }
}

await runCli({
  usage: USAGE,
  parse,
  devKey: ({ positionals: [command] }) => (KEY_COMMANDS.has(command ?? '') ? DEV_KEYS.recorder : DEV_KEYS.admin),
  run: async (ctx, { positionals: [command, argument], values }) => {
    switch (command) {
      case 'add-issuer':
        return await add(ctx, values, 'issuer', address(argument));
      case 'add-recorder':
        return await add(ctx, values, 'recorder', address(argument));
      case 'remove-issuer':
      case 'remove-recorder': {
        const of = command === 'remove-issuer' ? 'issuer' : 'recorder';
        const account = address(argument);
        return printOutcome(`removed ${of} ${account}`, await (await ctx.writer()).removeMember(of, account));
      }
      case 'list-issuers':
        return await list(ctx, 'issuer');
      case 'list-recorders':
        return await list(ctx, 'recorder');
      case 'authorize-key':
        return await authorizeKey(ctx, address(argument));
      case 'revoke-key':
        return await revokeKey(ctx, address(argument));
      case 'key':
        return await showKey(ctx, address(argument));
      default:
        throw new UsageError(command ? `unknown command "${command}"` : 'a command is required');
    }
  },
});
