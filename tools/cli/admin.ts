/**
 * `npm run admin -- <command>`: consortium governance. Adds and removes trusted issuers (credit
 * reference agencies) and evidence recorders (lenders running lendbridge), and lists them.
 */
import { parseArgs } from 'node:util';
import { isAddress } from 'ethers';
import { DEV_KEYS } from '../stack/dev-ledger.js';
import { parseCommandLine, printOutcome, runCli, UsageError, type CliContext } from './cli-context.js';

const USAGE = `usage: npm run admin -- <command> [options]

  add-issuer <address> --name <display name> --jurisdiction <XX>
  remove-issuer <address>
  list-issuers
  add-recorder <address> --name <organisation> --jurisdiction <XX>
  remove-recorder <address>
  list-recorders

  --jurisdiction is an ISO 3166-1 alpha-2 code such as HK or CN.

environment: as for npm run issuer; the signer must be the contracts' admin (on the local stack,
anvil's first development account).`;

const { positionals, values } = parseCommandLine(() =>
  parseArgs({ allowPositionals: true, options: { name: { type: 'string' }, jurisdiction: { type: 'string' } } }),
);

function address(value: string | undefined): string {
  if (!value || !isAddress(value))
    throw new UsageError(`"${value ?? ''}" is not an address (0x followed by 40 hex digits)`);
  return value;
}

async function add(ctx: CliContext, of: 'issuer' | 'recorder', account: string): Promise<void> {
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

const [command, argument] = positionals;
await runCli(USAGE, DEV_KEYS.admin, async (ctx) => {
  switch (command) {
    case 'add-issuer':
      return await add(ctx, 'issuer', address(argument));
    case 'add-recorder':
      return await add(ctx, 'recorder', address(argument));
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
    default:
      throw new UsageError(command ? `unknown command "${command}"` : 'a command is required');
  }
});
