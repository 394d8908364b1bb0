/**
 * The roles lendbridge knows, defined once: tokens carry them, the API's guards require them, and
 * the workflow's review rules compare against the same values.
 */
export const Role = {
  LOAN_SYSTEM: 'loan-system',
  REVIEWER: 'reviewer',
  SENIOR_REVIEWER: 'senior-reviewer',
  OPS: 'ops',
  /** A regulator or the consortium's operator: counts of the flows only, never an application. */
  SUPERVISOR: 'supervisor',
} as const;
export type Role = (typeof Role)[keyof typeof Role];

export const ROLES: readonly Role[] = Object.values(Role);

/** Roles that decide applications, and so are scoped to the tenants and jurisdictions they serve. */
export const REVIEWER_ROLES: readonly Role[] = [Role.REVIEWER, Role.SENIOR_REVIEWER];

export function isRole(value: unknown): value is Role {
  return typeof value === 'string' && (ROLES as readonly string[]).includes(value);
}
