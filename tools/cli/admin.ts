/**
 * `npm run admin -- <command>`: consortium governance and lenders' signing keys. The consortium
 * admin adds and removes trusted issuers (credit reference agencies, banks) and evidence recorders
 * (lenders running lendbridge), grants and withdraws the document kinds each issuer is trusted
 * for, and lists them. A lender (recorder member) proposes the keys its
 * worker replicas sign evidence with, each key accepts with a transaction of its own, and the lender
 * withdraws a proposal or revokes a key.
 */
import { parseArgs } from 'node:util';
import { isAddress } from 'ethers';
import { isDocumentKindName } from '#domain';
import { DEV_KEYS } from '#stack/dev-ledger';
import { printOutcome, runCli, UsageError, type CliContext } from './cli-context.js';

const USAGE = `usage: npm run admin -- <command> [options]

consortium governance (signed by the contracts' admin):
  add-issuer <address> --name <display name> --jurisdiction <XX>
  remove-issuer <address>           its document kinds are cleared with it
  grant-kind <issuer> <kind>        trust the issuer to anchor documents of this kind, e.g.
                                    personal-credit-report, corporate-credit-report,
                                    bank-statement, business-registration
  withdraw-kind <issuer> <kind>     stop trusting it for the kind: it can anchor no more of it, and
                                    what it anchored as that kind verifies as UNTRUSTED_ISSUER
  list-issuers                      with the kinds each is trusted for
  add-recorder <address> --name <organisation> --jurisdiction <XX>
  remove-recorder <address>
  list-recorders

a lender's worker keys: a key records evidence for a lender once the lender proposed it and the
key accepted (so no other lender can claim a key, nor catch its records):
  propose-key <key>         signed by the lender's recorder member: offer this key (one worker
                            replica's) to record evidence for the lender
  accept-key <lender>       signed by the key itself (LEDGER_SIGNER_KEY or LEDGER_KEYSTORE_FILE):
                            accept the lender's proposal; from then on it records for the lender
  withdraw-proposal <key>   signed by the lender: withdraw a proposal the key has not accepted
  revoke-key <key>          signed by the lender: the key records for no one any more
  key <address>             which lender a key records evidence for, and who proposed it

  --jurisdiction is an ISO 3166-1 alpha-2 code such as HK or CN.
  -h, --help                show this help

environment: as for npm run issuer. On the local stack the governance commands sign as the admin
(anvil's first development account), the lender's key commands as the development lender;
accept-key has no default signer.`;

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

/** Signed by the lender's recorder member. */
const LENDER_COMMANDS = new Set(['propose-key', 'withdraw-proposal', 'revoke-key']);
/** Signed by the key itself: never by a development default. */
const KEY_SIGNED_COMMANDS = new Set(['accept-key']);

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
  const kinds =
    of === 'issuer' ? await Promise.all(members.map((m) => ctx.client.kindsOf(m.address))) : members.map(() => []);
  members.forEach((m, i) => {
    const held = kinds[i]!.map((k) => k.name).sort();
    const trusted = of === 'issuer' ? `  kinds: ${held.length > 0 ? held.join(', ') : 'none'}` : '';
    console.log(`${m.address}  ${m.jurisdiction}  ${m.displayName}${trusted}`);
  });
}

function kindArgument(value: string | undefined): string {
  if (!value) throw new UsageError('a document kind is required, e.g. bank-statement');
  const given: string = value; // not narrowed by the guard below
  if (!isDocumentKindName(value)) {
    throw new UsageError(
      `"${given}" is not a document kind name: lowercase words joined by hyphens, e.g. bank-statement`,
    );
  }
  return value;
}

async function kindChange(ctx: CliContext, grant: boolean, issuer: string, kind: string): Promise<void> {
  const writer = await ctx.writer();
  const outcome = grant ? await writer.grantKind(issuer, kind) : await writer.withdrawKind(issuer, kind);
  printOutcome(
    grant ? `issuer ${issuer} is trusted for ${kind}` : `issuer ${issuer} is no longer trusted for ${kind}`,
    outcome,
    grant ? 'it was already' : 'it was not',
  );
}

async function proposeKey(ctx: CliContext, key: string): Promise<void> {
  const writer = await ctx.writer();
  const outcome = await writer.proposeKey(key);
  printOutcome(
    `proposed key ${key} to record evidence for ${writer.address}; it records once it accepts ` +
      `(npm run admin -- accept-key ${writer.address}, signed by ${key})`,
    outcome,
    'already proposed, or it records for this lender already',
  );
}

async function acceptKey(ctx: CliContext, member: string): Promise<void> {
  if (ctx.config.signer.kind === 'none') {
    throw new UsageError(
      "accept-key is signed by the key that accepts: set LEDGER_SIGNER_KEY (or LEDGER_KEYSTORE_FILE) to the worker replica's key",
    );
  }
  const writer = await ctx.writer();
  const outcome = await writer.acceptKey(member);
  const details = await ctx.client.memberDetails(member, 'recorder');
  printOutcome(
    `key ${writer.address} accepted: it records evidence for ${details.displayName} (${details.jurisdiction}) ${member}`,
    outcome,
    'it does already',
  );
}

async function withdrawProposal(ctx: CliContext, key: string): Promise<void> {
  const writer = await ctx.writer();
  const outcome = await writer.withdrawKeyProposal(key);
  printOutcome(`withdrew the proposal of ${writer.address} to key ${key}`, outcome, 'no proposal pending');
}

async function revokeKey(ctx: CliContext, key: string): Promise<void> {
  const writer = await ctx.writer();
  const outcome = await writer.revokeKey(key);
  printOutcome(`revoked key ${key} of ${writer.address}`, outcome, 'it records for no one');
}

async function showKey(ctx: CliContext, key: string): Promise<void> {
  const [recordsFor, acceptedFor, proposers] = await Promise.all([
    ctx.client.recordsFor(key),
    ctx.client.keyMember(key),
    ctx.client.keyProposals(key),
  ]);
  const describe = async (member: string): Promise<string> => {
    const details = await ctx.client.memberDetails(member, 'recorder');
    return `${details.displayName} (${details.jurisdiction}) ${member}`;
  };
  if (recordsFor) {
    const how = recordsFor.toLowerCase() === key.toLowerCase() ? 'is a recorder member itself' : 'records evidence for';
    console.log(`${key} ${how} ${await describe(recordsFor)}`);
  } else if (acceptedFor) {
    console.log(`${key} records for no one: it serves ${acceptedFor}, which is no longer a member`);
  } else {
    console.log(`${key} records for no one`);
  }
  // No ready-made accept command: any member can propose any key, and only the key's own lender's
  // proposal may be accepted (accept-key checks LEDGER_EVIDENCE_MEMBER when it is set).
  for (const proposer of proposers) {
    console.log(`  proposed by ${await describe(proposer)}, not accepted`);
  }
}

await runCli({
  usage: USAGE,
  parse,
  devKey: ({ positionals: [command = ''] }) =>
    KEY_SIGNED_COMMANDS.has(command) ? undefined : LENDER_COMMANDS.has(command) ? DEV_KEYS.recorder : DEV_KEYS.admin,
  run: async (ctx, { positionals: [command, argument, extra], values }) => {
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
      case 'grant-kind':
      case 'withdraw-kind':
        return await kindChange(ctx, command === 'grant-kind', address(argument), kindArgument(extra));
      case 'list-issuers':
        return await list(ctx, 'issuer');
      case 'list-recorders':
        return await list(ctx, 'recorder');
      case 'propose-key':
        return await proposeKey(ctx, address(argument));
      case 'accept-key':
        return await acceptKey(ctx, address(argument));
      case 'withdraw-proposal':
        return await withdrawProposal(ctx, address(argument));
      case 'revoke-key':
        return await revokeKey(ctx, address(argument));
      case 'authorize-key':
        throw new UsageError(
          'authorize-key is gone (evidence registry /3): the lender runs propose-key <key>, then the key runs accept-key <lender>',
        );
      case 'key':
        return await showKey(ctx, address(argument));
      default:
        throw new UsageError(command ? `unknown command "${command}"` : 'a command is required');
    }
  },
});
