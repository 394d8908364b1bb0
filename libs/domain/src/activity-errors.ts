/**
 * The activity failures no retry can cure, by error class name (the failure's type in Temporal):
 * a request the ledger refuses by its rules, input it cannot take, a report hash that is not one.
 * Everything else, an outage and whatever an operator can fix (funds, a missing role, wrong
 * settings) included, is retried until it passes: a condition outside the application never
 * decides it. test/unit/libs/domain/activity-errors.spec.ts checks each name is a real class.
 */
export const FINAL_ACTIVITY_ERRORS: readonly string[] = ['LedgerInputError', 'LedgerRevertError', 'InvalidReportError'];
