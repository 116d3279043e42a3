import { RequestRejectedError } from '@journey/platform';
import { dayPeriod } from './segment-view';

function rejection(work: () => unknown): RequestRejectedError {
  try {
    work();
  } catch (error) {
    if (error instanceof RequestRejectedError) return error;
    throw error;
  }
  throw new Error('was not rejected');
}

describe('a period of UTC days for segment history and flows', () => {
  it('defaults to the given number of days ending today, both included', () => {
    expect(dayPeriod(undefined, undefined, '2026-03-05', 30)).toEqual({ from: '2026-02-04', to: '2026-03-05' });
    expect(dayPeriod(undefined, '2026-01-10', '2026-03-05', 10)).toEqual({ from: '2026-01-01', to: '2026-01-10' });
  });

  it('takes one day as a period, and a leap day in a leap year', () => {
    expect(dayPeriod('2024-02-29', '2024-02-29', '2026-03-05', 30)).toEqual({ from: '2024-02-29', to: '2024-02-29' });
  });

  it('refuses with 400 a day the calendar has not, naming each bound', () => {
    for (const [from, to, fields] of [
      ['2026-02-30', '2026-03-05', ['from']],
      ['2026-02-29', '2026-03-05', ['from']],
      ['2026-01-01', '2026-04-31', ['to']],
      ['2026-13-01', '2026-00-10', ['from', 'to']],
      ['0000-01-01', undefined, ['from']],
    ] as const) {
      const error = rejection(() => dayPeriod(from, to, '2026-03-05', 30));
      expect({ from, to, status: error.status, fields: error.errors.map((e) => e.field) }).toEqual({ from, to, status: 400, fields });
    }
  });

  it('refuses an instant, a bound given twice and a period that runs backwards or past ten years', () => {
    expect(rejection(() => dayPeriod('2026-03-01T00:00:00Z', undefined, '2026-03-05', 30)).errors.map((e) => e.field)).toEqual(['from']);
    expect(rejection(() => dayPeriod(['2026-03-01', '2026-03-02'], undefined, '2026-03-05', 30)).errors.map((e) => e.field)).toEqual(['from']);
    expect(rejection(() => dayPeriod('2026-03-02', '2026-03-01', '2026-03-05', 30)).errors).toEqual([{ field: 'from', reason: 'must not be after to' }]);
    expect(rejection(() => dayPeriod('2010-01-01', '2026-03-01', '2026-03-05', 30)).errors).toEqual([{ field: 'from', reason: 'the period may span at most 10 years' }]);
  });

  it('starts a default period no earlier than the first day PostgreSQL holds', () => {
    expect(dayPeriod(undefined, '0001-01-10', '2026-03-05', 30)).toEqual({ from: '0001-01-01', to: '0001-01-10' });
  });
});
