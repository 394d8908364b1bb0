/**
 * The custom search attributes ops filter lendbridge workflows by in the Temporal UI. They are
 * registered on the namespace by `npm run dev` and by the test harness, and kept current by the
 * application workflow. Names are part of ops' saved queries: renaming one is a migration.
 */
import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

export const SearchAttributeKeys = {
  LoanStage: defineSearchAttributeKey('LoanStage', SearchAttributeType.KEYWORD),
  LoanOutcome: defineSearchAttributeKey('LoanOutcome', SearchAttributeType.KEYWORD),
  ReviewQueue: defineSearchAttributeKey('ReviewQueue', SearchAttributeType.KEYWORD),
  AssignedReviewer: defineSearchAttributeKey('AssignedReviewer', SearchAttributeType.KEYWORD),
  Jurisdiction: defineSearchAttributeKey('Jurisdiction', SearchAttributeType.KEYWORD),
  LoanSystemReference: defineSearchAttributeKey('LoanSystemReference', SearchAttributeType.KEYWORD),
  Tenant: defineSearchAttributeKey('Tenant', SearchAttributeType.KEYWORD),
  /** `person` or `company`, as stated at creation: never who the applicant is. */
  ApplicantType: defineSearchAttributeKey('ApplicantType', SearchAttributeType.KEYWORD),
  /** `northbound` or `southbound`: the supervisor's view counts flows by it. */
  Direction: defineSearchAttributeKey('Direction', SearchAttributeType.KEYWORD),
  /** When the current review round is due (escalation, then expiry): the inbox sorts by it. */
  ReviewDueAt: defineSearchAttributeKey('ReviewDueAt', SearchAttributeType.DATETIME),
  /** Integer minor units (cents, fen): money is never a float, not even in visibility. */
  RequestedAmountMinor: defineSearchAttributeKey('RequestedAmountMinor', SearchAttributeType.INT),
} as const;

export const LENDBRIDGE_SEARCH_ATTRIBUTES = Object.values(SearchAttributeKeys);
