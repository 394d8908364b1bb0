/**
 * The Temporal UI queries ops keep as saved views, over lendbridge's search attributes
 * (libs/domain/src/search-attributes.ts). The README lists the same ones; the demo's test runs each
 * against the dev server's visibility, so a query documented here is known to work there.
 */
import { LOAN_APPLICATION_WORKFLOW } from '#domain';

export interface SavedQuery {
  name: string;
  query: string;
}

/** Values that vary by moment and by run: the time "overdue" is measured from, and one reference. */
export interface QueryValues {
  now: Date;
  tenant: string;
  loanSystemReference: string;
}

export function savedQueries({ now, tenant, loanSystemReference }: QueryValues): SavedQuery[] {
  return [
    { name: 'all loan applications', query: `WorkflowType = '${LOAN_APPLICATION_WORKFLOW}'` },
    { name: 'in review, standard queue', query: `LoanStage = 'IN_REVIEW' AND ReviewQueue = 'HK-standard'` },
    { name: 'escalated to seniors', query: `LoanStage = 'IN_REVIEW' AND ReviewQueue = 'HK-senior'` },
    {
      name: 'overdue reviews',
      query: `LoanStage = 'IN_REVIEW' AND ReviewDueAt < '${now.toISOString()}'`,
    },
    { name: 'claimed by a reviewer', query: `LoanStage = 'IN_REVIEW' AND AssignedReviewer = 'bob'` },
    { name: 'waiting for the applicant', query: `LoanStage IN ('AWAITING_CONSENT', 'AWAITING_REPORT')` },
    { name: 'failed', query: `LoanOutcome = 'FAILED'` },
    { name: 'expired', query: `LoanOutcome = 'EXPIRED'` },
    { name: 'one tenant', query: `Tenant = '${tenant}'` },
    { name: 'company applicants', query: `ApplicantType = 'company'` },
    { name: "the demo's applications", query: `WorkflowId STARTS_WITH 'loan/${tenant}/DEMO-'` },
    { name: 'by loan system reference', query: `LoanSystemReference = '${loanSystemReference}'` },
    { name: 'large amounts (over 500,000.00)', query: `RequestedAmountMinor > 50000000` },
    {
      name: 'decided in the last day',
      query: `LoanOutcome IN ('APPROVED', 'DECLINED') AND CloseTime > '${new Date(now.getTime() - 86_400_000).toISOString()}'`,
    },
  ];
}
