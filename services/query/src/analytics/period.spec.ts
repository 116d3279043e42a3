import { RequestRejectedError } from '@journey/platform';
import { period } from './period';

const NOW = new Date('2026-06-30T12:00:00.000Z');

function rejection(work: () => unknown): RequestRejectedError {
  try {
    work();
  } catch (error) {
    if (error instanceof RequestRejectedError) return error;
    throw error;
  }
  throw new Error('was not rejected');
}

describe('an analytics period', () => {
  it('defaults to the last given number of days up to now', () => {
    expect(period(undefined, undefined, NOW, 30)).toEqual({ from: '2026-05-31T12:00:00.000Z', to: '2026-06-30T12:00:00.000Z' });
  });

  it('takes dates and instants, in UTC', () => {
    expect(period('2026-01-01', '2026-02-01T10:00:00+02:00', NOW, 30)).toEqual({ from: '2026-01-01T00:00:00.000Z', to: '2026-02-01T08:00:00.000Z' });
  });

  it('reads a date as `to` as the whole UTC day, an instant as where the period ends', () => {
    expect(period('2026-02-01', '2026-02-28', NOW, 30)).toEqual({ from: '2026-02-01T00:00:00.000Z', to: '2026-03-01T00:00:00.000Z' });
    expect(period('2026-02-28', '2026-02-28', NOW, 30)).toEqual({ from: '2026-02-28T00:00:00.000Z', to: '2026-03-01T00:00:00.000Z' });
    expect(period('2026-02-01', '2026-02-28T00:00:00Z', NOW, 30)).toEqual({ from: '2026-02-01T00:00:00.000Z', to: '2026-02-28T00:00:00.000Z' });
    expect(period('9999-12-01', '9999-12-31', NOW, 30).to).toBe('9999-12-31T23:59:59.999Z');
  });

  it('names every bound that is not a date, in one 400', () => {
    const error = rejection(() => period('yesterday', '2026-13-45', NOW, 30));
    expect(error.status).toBe(400);
    expect(error.errors.map((e) => e.field)).toEqual(['from', 'to']);
  });

  it('refuses a day the calendar has not, and a period that ends before it starts', () => {
    expect(rejection(() => period('2026-02-30', '2026-03-31', NOW, 30)).errors.map((e) => e.field)).toEqual(['from']);
    expect(rejection(() => period('2026-02-01', '2025-02-29', NOW, 30)).errors.map((e) => e.field)).toEqual(['to']);
    expect(rejection(() => period('2026-03-01', '2026-02-01', NOW, 30)).errors).toEqual([{ field: 'from', reason: 'must be before to' }]);
    expect(rejection(() => period('2026-03-01T00:00:00Z', '2026-03-01T00:00:00Z', NOW, 30)).errors).toEqual([{ field: 'from', reason: 'must be before to' }]);
  });
});
