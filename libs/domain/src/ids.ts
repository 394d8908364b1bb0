/**
 * Identifiers and the shapes of values every layer checks, defined once: the API's validators, the
 * token verifier, the workflow's rules and the ledger tools all test against these. Hex digests and
 * bytes32 values are in hex.ts.
 */

/**
 * Tenant and application ids: bounded, no separators that could make two applications collide,
 * and at least one letter or digit, so "." and ".." (which URL clients collapse) are never ids.
 */
export const ID_PATTERN = /^(?=.*[A-Za-z0-9])[A-Za-z0-9_.:-]{1,64}$/;
/** What ID_PATTERN allows, for error messages. */
export const ID_RULE = '1-64 characters of A-Z a-z 0-9 _ . : - with at least one letter or digit';

/** A tenant names the bank's loan system; it ends up in search attributes, so its alphabet is narrow. */
export const TENANT_PATTERN = ID_PATTERN;

/** Upper-case region codes (HK, CN, ...), compared verbatim against an application's jurisdiction. */
export const JURISDICTION_PATTERN = /^[A-Z]{2,3}$/;

/** A lender's product, as an application names it and the document requirements match it. */
export const PRODUCT_PATTERN = /^[a-z0-9][a-z0-9-]{0,39}$/;
export const PRODUCT_RULE = '1-40 characters of a-z 0-9 -';

/** One workflow per application: the id derives from the tenant and the loan system's id. */
export function applicationWorkflowId(tenant: string, applicationId: string): string {
  if (!ID_PATTERN.test(tenant) || !ID_PATTERN.test(applicationId)) {
    throw new Error(`tenant and application id must be ${ID_RULE}`);
  }
  return `loan/${tenant}/${applicationId}`;
}
