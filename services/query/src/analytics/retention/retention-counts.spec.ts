import fc from 'fast-check';
import type { RecordedEvent } from '@journey/event-store';
import { monthDate, monthIndex, retentionChanges } from '@journey/projections';
import { PurchaseMonthTally } from '../log-tallies';
import { cohortsFromCounts } from './retention-counts';

const purchase = (streamId: string, month: number, day: number): RecordedEvent => ({ streamId, type: 'PurchaseCompleted', occurredAt: `${monthDate(month).slice(0, 8)}${String(day).padStart(2, '0')}T12:00:00.000Z` }) as unknown as RecordedEvent;

/** Folds purchases in batches as the subscription does: the months known so far, then each batch's changes. */
function foldInBatches(events: readonly RecordedEvent[], batch: number) {
  const known = new Map<string, number[]>();
  const counts = new Map<string, { cohort: number; month: number; customers: number }>();
  for (let i = 0; i < events.length; i += batch) {
    const purchases = events.slice(i, i + batch).map((event) => ({ streamId: event.streamId, month: monthIndex(event.occurredAt) }));
    const { added, deltas } = retentionChanges(known, purchases);
    for (const row of added) known.set(row.streamId, [...(known.get(row.streamId) ?? []), row.month]);
    for (const delta of deltas) {
      const key = `${delta.cohort}:${delta.month}`;
      const count = counts.get(key) ?? { cohort: delta.cohort, month: delta.month, customers: 0 };
      count.customers += delta.customers;
      counts.set(key, count);
    }
  }
  return [...counts.values()];
}

describe('the retention counts', () => {
  const period = { from: '2024-01-01T00:00:00.000Z', to: '2027-01-01T00:00:00.000Z' };
  const base = monthIndex('2025-01-15T00:00:00Z');

  it('count a customer once a month, under the cohort of their first month', () => {
    const events = [purchase('customer-a', base, 3), purchase('customer-a', base, 20), purchase('customer-a', base + 2, 1), purchase('customer-b', base + 1, 5)];
    expect(cohortsFromCounts(foldInBatches(events, 10), period)).toEqual([
      { month: '2025-01', customers: 1, active: [1, 0, 1] },
      { month: '2025-02', customers: 1, active: [1] },
    ]);
  });

  it('move a customer to an earlier cohort when an older purchase arrives late', () => {
    const events = [purchase('customer-a', base + 3, 1), purchase('customer-a', base + 4, 1), purchase('customer-a', base, 1)];
    expect(cohortsFromCounts(foldInBatches(events, 1), period)).toEqual([{ month: '2025-01', customers: 1, active: [1, 0, 0, 1, 1] }]);
  });

  it('equal the tally of the whole log, in any order and any batch size', () => {
    const purchaseArb = fc.record({ customer: fc.integer({ min: 0, max: 6 }), month: fc.integer({ min: 0, max: 14 }), day: fc.integer({ min: 1, max: 28 }) });
    fc.assert(
      fc.property(fc.array(purchaseArb, { maxLength: 60 }), fc.integer({ min: 1, max: 20 }), (rows, batch) => {
        const events = rows.map((row) => purchase(`customer-${row.customer}`, base + row.month, row.day));
        const tally = new PurchaseMonthTally();
        tally.add(events);
        expect(cohortsFromCounts(foldInBatches(events, batch), period)).toEqual(tally.cohorts(period));
      }),
      { numRuns: 300 },
    );
  });
});
