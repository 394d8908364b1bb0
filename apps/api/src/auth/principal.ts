/** The roles lendbridge knows; the workflow's review rules compare against the same strings. */
export const Role = {
  LOAN_SYSTEM: 'loan-system',
  REVIEWER: 'reviewer',
  SENIOR_REVIEWER: 'senior-reviewer',
  OPS: 'ops',
} as const;
export type Role = (typeof Role)[keyof typeof Role];

export const ROLES: readonly Role[] = Object.values(Role);

/** Roles that decide applications, and so must be scoped to the jurisdictions they may review. */
export const REVIEWER_ROLES: readonly Role[] = [Role.REVIEWER, Role.SENIOR_REVIEWER];

/** A tenant names the bank's loan system; it ends up in search attributes, so its alphabet is narrow. */
export const TENANT_PATTERN = /^[A-Za-z0-9_.:-]{1,64}$/;

/** Upper-case region codes (HK, CN, ...), compared verbatim against an application's jurisdiction. */
export const JURISDICTION_PATTERN = /^[A-Z]{2,3}$/;

/** Longest subject accepted: long enough for any IdP's ids, short enough to store and log. */
export const MAX_SUBJECT_LENGTH = 256;

/**
 * Who made an authenticated request. Shaped like the domain's `Actor` ({subject, roles,
 * jurisdictions}) so it can be handed to the workflow as is; `tenant` rides along unused there.
 */
export interface Principal {
  subject: string;
  roles: Role[];
  tenant?: string;
  jurisdictions: string[];
}

export function isRole(value: unknown): value is Role {
  return typeof value === 'string' && (ROLES as readonly string[]).includes(value);
}

/** True when the principal holds at least one of the given roles. */
export function hasRole(principal: Principal, ...roles: Role[]): boolean {
  return principal.roles.some((role) => roles.includes(role));
}
