/**
 * Who takes part in the demo: bank-a's loan system, two HK reviewers, an HK senior reviewer, and an
 * ops person for the Temporal UI. Each signs in with a development token signed with the stack's
 * secret, exactly what `npm run token` prints for the same claims.
 */
import { signDevToken, type DevTokenClaims } from '#api/auth/dev-token';
import { Role } from '#api/auth/principal';

export const TENANT = 'bank-a';

export const PARTIES = {
  loanSystem: { sub: 'los-bank-a', roles: [Role.LOAN_SYSTEM], tenant: TENANT },
  alice: { sub: 'alice', roles: [Role.REVIEWER], jurisdictions: ['HK'], tenants: [TENANT] },
  bob: { sub: 'bob', roles: [Role.REVIEWER], jurisdictions: ['HK'], tenants: [TENANT] },
  carol: { sub: 'carol', roles: [Role.SENIOR_REVIEWER], jurisdictions: ['HK'], tenants: [TENANT] },
  ops: { sub: 'olivia', roles: [Role.OPS] },
} as const satisfies Record<string, DevTokenClaims>;

export type Party = keyof typeof PARTIES;

/** A token per party, valid long enough for the demo and a look around afterwards. */
export async function signPartyTokens(
  secret: string,
  auth: { issuer: string; audience: string },
): Promise<Record<Party, string>> {
  const entries = await Promise.all(
    (Object.keys(PARTIES) as Party[]).map(
      async (party) => [party, await signDevToken(secret, PARTIES[party], { ...auth, expiresIn: '1h' })] as const,
    ),
  );
  return Object.fromEntries(entries) as Record<Party, string>;
}

/** The command that prints this party's token, for a person to paste into the console or the UI. */
export function tokenCommand(party: Party, dataDir?: string): string {
  const claims: DevTokenClaims = PARTIES[party];
  const args = [
    ...claims.roles.map((role) => `--role ${role}`),
    `--sub ${claims.sub}`,
    ...(claims.tenant ? [`--tenant ${claims.tenant}`] : []),
    ...(claims.tenants ?? []).map((tenant) => `--tenant ${tenant}`),
    ...(claims.jurisdictions ?? []).map((code) => `--jurisdiction ${code}`),
  ];
  const prefix = dataDir ? `LENDBRIDGE_DATA_DIR=${dataDir} ` : '';
  return `${prefix}npm run -s token -- ${args.join(' ')}`;
}
