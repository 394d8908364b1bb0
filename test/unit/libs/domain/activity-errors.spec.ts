import { FINAL_ACTIVITY_ERRORS } from '#domain';
import * as ledger from '#ledger';

describe('the activity errors no retry cures', () => {
  it('names real error classes: a renamed class would otherwise be retried forever silently', () => {
    const ledgerClasses = Object.values(ledger as Record<string, unknown>)
      .filter((value): value is { name: string } => typeof value === 'function')
      .map((value) => value.name);
    for (const name of FINAL_ACTIVITY_ERRORS.filter((n) => n.startsWith('Ledger'))) {
      expect(ledgerClasses).toContain(name);
    }
    // The activity throws this one as an ApplicationFailure type (activities/loan-application.activities.ts).
    expect(FINAL_ACTIVITY_ERRORS).toContain('InvalidReportError');
  });

  it('leaves out everything an operator can fix or an outage explains', () => {
    for (const retried of [
      'LedgerUnavailableError',
      'LedgerOperatorActionError',
      'LedgerNonceConflictError',
      'LedgerMismatchError',
      'LedgerSignerMissingError',
      'ConfigurationError',
    ]) {
      expect(FINAL_ACTIVITY_ERRORS).not.toContain(retried);
    }
  });
});
