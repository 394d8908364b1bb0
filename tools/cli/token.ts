/**
 * `npm run token -- --role <role> --sub <subject> [...]`: mints a development bearer token for the
 * local API, signed with the stack's HS256 secret. Prints only the token on stdout, so
 * `TOKEN=$(npm run -s token -- ...)` works; everything else goes to stderr.
 *
 * It parses arguments the way the issuer and admin tools do, but does not import their
 * cli-context: that module loads the ledger client and solc, seconds of start-up this tool never
 * needs.
 */
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { devJwtSecretFile, readDevJwtSecret } from '#api/auth/dev-secret';
import { signDevToken } from '#api/auth/dev-token';
import { canonicalIdentity, isRole, JURISDICTION_PATTERN, REVIEWER_ROLES, Role, ROLES, TENANT_PATTERN } from '#domain';

const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const DEFAULT_TTL = '8h';
/** A whole number and one unit: simple to read, and never a negative or past expiry. */
const TTL_PATTERN = /^[1-9][0-9]{0,5}[smhd]$/;

const USAGE = `usage: npm run token -- --role <role> --sub <subject> [options]

  --role <role>            ${ROLES.join(', ')}; repeat for several roles
  --sub <subject>          who the token speaks for (a reviewer's user id, a loan system's client id)
  --jurisdiction <code>    a jurisdiction the reviewer may decide, e.g. HK or CN; repeatable,
                           required for reviewer and senior-reviewer
  --tenant <id>            the bank the loan system belongs to (exactly one, required for
                           loan-system), or a bank a reviewer, ops person or supervisor serves
                           (repeatable, at least one required for reviewer and senior-reviewer)
  --ttl <span>             lifetime: a number and s, m, h or d (default ${DEFAULT_TTL})
  -h, --help               show this help

The token goes to stdout alone. Signed with AUTH_JWT_SECRET when set, else with the secret npm run
dev keeps in <LENDBRIDGE_DATA_DIR or .data>/auth-jwt.secret. Issuer and audience come from
AUTH_ISSUER and AUTH_AUDIENCE (defaults lendbridge-dev and lendbridge), as in the API.`;

/** A mistake in how the tool was called: printed with the usage, exit code 2. */
class UsageError extends Error {}

interface TokenRequest {
  sub: string;
  roles: Role[];
  tenants: string[];
  jurisdictions: string[];
  ttl: string;
}

function parseRequest(argv: string[]): TokenRequest | 'help' {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      allowPositionals: false,
      options: {
        role: { type: 'string', multiple: true },
        sub: { type: 'string' },
        jurisdiction: { type: 'string', multiple: true },
        tenant: { type: 'string', multiple: true },
        ttl: { type: 'string', default: DEFAULT_TTL },
        help: { type: 'boolean', short: 'h', default: false },
      },
    }));
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
  if (values.help) return 'help';

  const roles = values.role ?? [];
  if (roles.length === 0) throw new UsageError('at least one --role is required');
  const unknown = roles.filter((role) => !isRole(role));
  if (unknown.length > 0) throw new UsageError(`unknown role ${unknown.join(', ')} (known: ${ROLES.join(', ')})`);
  const known = [...new Set(roles.filter(isRole))];

  const sub = values.sub;
  if (!sub || canonicalIdentity(sub) === undefined) {
    throw new UsageError('--sub is required: one person or system, no control or invisible characters');
  }

  const tenants = [...new Set(values.tenant ?? [])];
  if (tenants.some((tenant) => !TENANT_PATTERN.test(tenant))) {
    throw new UsageError('--tenant must be 1-64 of A-Z a-z 0-9 _ . : - with a letter or digit');
  }
  if (known.includes(Role.LOAN_SYSTEM) && tenants.length !== 1) {
    throw new UsageError('a loan-system token needs exactly one --tenant');
  }
  // The API refuses such a token: a role beside supervisor would let it read applications.
  if (known.includes(Role.SUPERVISOR) && known.length > 1) {
    throw new UsageError('a supervisor token carries no other --role');
  }
  if (known.some((role) => REVIEWER_ROLES.includes(role)) && tenants.length === 0) {
    throw new UsageError('a reviewer or senior-reviewer token needs at least one --tenant it serves');
  }

  // Codes are compared verbatim by the API, so accept "hk" but send "HK".
  const jurisdictions = [...new Set((values.jurisdiction ?? []).map((code) => code.toUpperCase()))];
  const invalid = jurisdictions.filter((code) => !JURISDICTION_PATTERN.test(code));
  if (invalid.length > 0) throw new UsageError(`--jurisdiction must be a 2-3 letter code, not ${invalid.join(', ')}`);
  if (known.some((role) => REVIEWER_ROLES.includes(role)) && jurisdictions.length === 0) {
    throw new UsageError('a reviewer or senior-reviewer token needs at least one --jurisdiction');
  }

  const ttl = values.ttl;
  if (!TTL_PATTERN.test(ttl)) throw new UsageError(`--ttl must be a number followed by s, m, h or d, e.g. 8h`);

  return { sub, roles: known, tenants, jurisdictions, ttl };
}

/** AUTH_JWT_SECRET wins, as it does for the API; otherwise the dev stack's secret file. */
function signingSecret(env: NodeJS.ProcessEnv): string {
  if (env.AUTH_JWT_SECRET) {
    if (env.AUTH_JWT_SECRET.length < 32) throw new Error('AUTH_JWT_SECRET must be at least 32 characters');
    return env.AUTH_JWT_SECRET;
  }
  const dataDir = env.LENDBRIDGE_DATA_DIR || join(REPO_ROOT, '.data');
  if (!existsSync(devJwtSecretFile(dataDir))) {
    throw new Error(
      `no signing secret: set AUTH_JWT_SECRET, or run npm run dev once to create ${devJwtSecretFile(dataDir)}`,
    );
  }
  return readDevJwtSecret(dataDir);
}

async function main(): Promise<void> {
  try {
    const request = parseRequest(process.argv.slice(2));
    if (request === 'help') {
      console.log(USAGE);
      return;
    }
    const token = await signDevToken(
      signingSecret(process.env),
      {
        sub: request.sub,
        roles: request.roles,
        // A loan system is its one bank (`tenant`); reviewers and ops list the banks they serve.
        ...(request.roles.includes(Role.LOAN_SYSTEM)
          ? { tenant: request.tenants[0] }
          : request.tenants.length > 0
            ? { tenants: request.tenants }
            : {}),
        // Only reviewers need jurisdictions; leaving an empty claim out keeps other tokens minimal.
        jurisdictions: request.jurisdictions.length > 0 ? request.jurisdictions : undefined,
      },
      {
        issuer: process.env.AUTH_ISSUER || 'lendbridge-dev',
        audience: process.env.AUTH_AUDIENCE || 'lendbridge',
        expiresIn: request.ttl,
      },
    );
    process.stdout.write(`${token}\n`);
    console.error(
      `token for ${request.sub} (${request.roles.join(', ')}), valid ${request.ttl}; send it as Authorization: Bearer <token>`,
    );
  } catch (error) {
    process.exitCode = error instanceof UsageError ? 2 : 1;
    if (error instanceof UsageError) console.error(`error: ${error.message}\n\n${USAGE}`);
    else console.error(`error: ${error instanceof Error ? error.message : String(error)}`);
  }
}

await main();
