import { parseInstant } from './query-params';

describe('parseInstant', () => {
  it.each([
    ['2026-03-01T12:00:00Z', '2026-03-01T12:00:00.000Z'],
    ['2026-03-01T12:00Z', '2026-03-01T12:00:00.000Z'],
    ['2026-03-01T12:00:00.123456+02:00', '2026-03-01T10:00:00.123Z'],
    ['0001-01-01T00:00:00Z', '0001-01-01T00:00:00.000Z'],
    ['9999-12-31T23:59:59.999Z', '9999-12-31T23:59:59.999Z'],
    ['2024-02-29T00:00:00Z', '2024-02-29T00:00:00.000Z'],
  ])('reads %s as %s', (raw, iso) => {
    expect(parseInstant(raw)?.toISOString()).toBe(iso);
  });

  it.each([
    ['a year beyond what PostgreSQL holds, as JavaScript writes it', '+275760-09-13T00:00:00.000Z'],
    ['the earliest instant of JavaScript', '-271821-04-20T00:00:00Z'],
    ['year 0', '0000-01-01T00:00:00Z'],
    ['year 1 at midnight east of UTC (year 0 in UTC)', '0001-01-01T00:00:00+01:00'],
    ['year 9999 ending west of UTC (year 10000 in UTC)', '9999-12-31T23:00:00-02:00'],
    ['no offset', '2026-03-01T12:00:00'],
    ['a day the month has not', '2026-02-30T00:00:00Z'],
    ['February 29 of a common year', '2025-02-29T00:00:00Z'],
    ['month 13', '2026-13-01T00:00:00Z'],
    ['hour 24', '2026-03-01T24:00:00Z'],
    ['an offset of 25 hours', '2026-03-01T12:00:00+25:00'],
    ['a NUL', '2026-03-01T12:00:00Z\u0000'],
    ['free text', 'yesterday'],
    ['a bare date where an instant is wanted', '2026-03-01'],
  ])('refuses %s', (_what, raw) => {
    expect(parseInstant(raw)).toBeUndefined();
  });

  it('takes a bare date as midnight UTC where dates are allowed, within the same years', () => {
    expect(parseInstant('2026-03-01', 'dates')?.toISOString()).toBe('2026-03-01T00:00:00.000Z');
    expect(parseInstant('0000-01-01', 'dates')).toBeUndefined();
    expect(parseInstant('2026-02-30', 'dates')).toBeUndefined();
  });
});
