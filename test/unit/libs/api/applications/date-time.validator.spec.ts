import fc from 'fast-check';
import { isRealDateTime } from '#api/applications/date-time.validator';

describe('a real RFC 3339 date-time', () => {
  it.each([
    '2026-11-20T09:00:00Z',
    '2024-02-29T23:59:59.999+08:00',
    '9999-12-31T23:59:59.000Z',
    // Years 0-99 are years, not 1900-1999 (Date.UTC's reading): found by the OpenAPI conformance run.
    '0013-01-16T04:33:59.758Z',
    '0004-02-29T00:00:00Z',
  ])('accepts %s', (v) => expect(isRealDateTime(v)).toBe(true));

  it.each([
    '2026-02-30T00:00:00Z',
    '1970-02-29T12:00:00Z',
    '2027-04-31T00:00:00Z',
    '2026-12-31T23:59:60Z',
    '2026-W01-1',
    '2026-01-01',
    '2026-01-01T10',
    '20260101',
    '2026-01-01T10:00:00,5Z',
  ])('refuses %s', (v) => expect(isRealDateTime(v)).toBe(false));

  it('accepts exactly what round-trips through Date to the same calendar day', () => {
    fc.assert(
      fc.property(fc.date({ min: new Date('1970-01-01'), max: new Date('9999-12-31'), noInvalidDate: true }), (d) => {
        expect(isRealDateTime(d.toISOString())).toBe(true);
      }),
    );
  });
});
