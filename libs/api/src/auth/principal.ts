import { type Actor, type Role } from '#domain';

// Roles and id shapes are the domain's; the API re-exports them for its guards and decorators.
export { isRole, JURISDICTION_PATTERN, REVIEWER_ROLES, Role, ROLES, TENANT_PATTERN } from '#domain';

/**
 * Who made an authenticated request, from the token only. Shaped like the domain's `Actor`
 * ({subject, roles, jurisdictions, tenants}) so it can be handed to the workflow as is. `subject`
 * is the canonical identity (libs/domain/src/identity.ts): every rule comparing people uses it.
 */
export interface Principal {
  subject: string;
  roles: Role[];
  /** The tenant a loan system is; reviewers and ops serve the `tenants` list instead. */
  tenant?: string;
  /** Tenants (banks) whose applications this person may see and act on. */
  tenants: string[];
  jurisdictions: string[];
}

/** True when the principal holds at least one of the given roles. */
export function hasRole(principal: Principal, ...roles: Role[]): boolean {
  return principal.roles.some((role) => roles.includes(role));
}

/** The acting identity the workflow's rules judge: only what the token said, copied. */
export function actorOf(principal: Principal): Actor {
  return {
    subject: principal.subject,
    roles: [...principal.roles],
    jurisdictions: [...principal.jurisdictions],
    tenants: [...principal.tenants],
  };
}
