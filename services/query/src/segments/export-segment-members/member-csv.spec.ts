import { memberCsvLine } from './member-csv';

describe('a line of the segment members CSV', () => {
  const member = { customerId: 'c-1', since: '2026-03-01T12:00:00.000Z', version: 2, backfill: true, stage: 'repeat', tier: null, country: 'DE' };

  it('writes the member, an absent tier as an empty cell', () => {
    expect(memberCsvLine(member)).toBe('c-1,2026-03-01T12:00:00.000Z,2,true,repeat,,DE\n');
  });

  it('prefixes a cell a spreadsheet would run as a formula, instead of only quoting it', () => {
    expect(memberCsvLine({ ...member, stage: '=cmd|"/c calc"!A1', tier: '-1+1' })).toBe(`c-1,2026-03-01T12:00:00.000Z,2,true,"'=cmd|""/c calc""!A1",'-1+1,DE\n`);
  });
});
