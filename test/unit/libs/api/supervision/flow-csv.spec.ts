import { toCsv } from '#api/supervision/flow-csv';

describe('toCsv', () => {
  it('writes RFC 4180 rows, empty for null, quoting what needs it', () => {
    const rows = [
      { tenant: 'bank-a', count: 3, suppressed: undefined },
      { tenant: 'bank "b", ltd', count: null, suppressed: true },
    ];
    expect(toCsv(['tenant', 'count', 'suppressed'], rows)).toBe(
      'tenant,count,suppressed\r\nbank-a,3,\r\n"bank ""b"", ltd",,true\r\n',
    );
  });

  it('never hands a spreadsheet a formula: a value starting with = + - @ gets a leading apostrophe', () => {
    const rows = ['=1+1', '+1', '-dash', '@SUM(A1)', 'plain'].map((tenant) => ({ tenant }));
    expect(toCsv(['tenant'], rows).split('\r\n')).toEqual([
      'tenant',
      "'=1+1",
      "'+1",
      "'-dash",
      "'@SUM(A1)",
      'plain',
      '',
    ]);
  });
});
