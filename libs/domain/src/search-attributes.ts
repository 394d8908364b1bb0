/**
 * The custom search attributes ops filter lendbridge workflows by in the Temporal UI. They are
 * registered on the namespace by `npm run dev` and by the test harness, and kept current by the
 * application workflow. Names are part of ops' saved queries: renaming one is a migration.
 */
import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

export const LoanStage = defineSearchAttributeKey('LoanStage', SearchAttributeType.KEYWORD);
export const LoanOutcome = defineSearchAttributeKey('LoanOutcome', SearchAttributeType.KEYWORD);
export const ReviewQueue = defineSearchAttributeKey('ReviewQueue', SearchAttributeType.KEYWORD);
export const AssignedReviewer = defineSearchAttributeKey('AssignedReviewer', SearchAttributeType.KEYWORD);
export const Jurisdiction = defineSearchAttributeKey('Jurisdiction', SearchAttributeType.KEYWORD);
export const LoanSystemReference = defineSearchAttributeKey('LoanSystemReference', SearchAttributeType.KEYWORD);
export const Tenant = defineSearchAttributeKey('Tenant', SearchAttributeType.KEYWORD);
/** Integer minor units (cents, fen): money is never a float, not even in visibility. */
export const RequestedAmountMinor = defineSearchAttributeKey('RequestedAmountMinor', SearchAttributeType.INT);

export const LENDBRIDGE_SEARCH_ATTRIBUTES = [
  LoanStage,
  LoanOutcome,
  ReviewQueue,
  AssignedReviewer,
  Jurisdiction,
  LoanSystemReference,
  Tenant,
  RequestedAmountMinor,
] as const;
