import { HistoryTally, WEEK_MS } from './history-tally';

const NOW = Date.parse('2026-06-01T00:00:00Z');
const weeksAgo = (w: number) => NOW - w * WEEK_MS;

describe('the history tally', () => {
  it('gives the model input as of now and as of the cutoff, and the holdout actuals by week', () => {
    const tally = new HistoryTally(NOW, 4);
    const purchases = [
      { at: weeksAgo(20), value: 1000 },
      { at: weeksAgo(10), value: 3000 },
      { at: weeksAgo(3.5), value: 5000 },
      { at: weeksAgo(0.5), value: 7000 },
    ];
    const { now, calibration } = tally.add({ orders: 4, firstPurchaseAt: purchases[0]!.at, lastPurchaseAt: purchases[3]!.at, purchases });
    // Ages count whole days: the last order, 19.5 weeks after the first, is on day 136.
    expect(now).toEqual({ frequency: 3, recency: 136 / 7, T: 20, monetary: 5000 });
    expect(calibration).toEqual({ frequency: 1, recency: 10, T: 16, monetary: 3000 });
    expect([...tally.actualOrders]).toEqual([1, 0, 0, 1]);
    expect([...tally.actualRevenue]).toEqual([5000, 0, 0, 7000]);
    // Weeks 17 to 4 before now: the naive baseline's window; the 10-weeks-ago order is in it.
    expect(tally.naiveOrders).toBe(1);
    expect(tally.meanOrderValue).toBe(4000);
  });

  it('counts first purchases of the recent weeks as the new-customer pace, and has no calibration input for them', () => {
    const tally = new HistoryTally(NOW, 4);
    const { calibration } = tally.add({ orders: 1, firstPurchaseAt: weeksAgo(2), lastPurchaseAt: weeksAgo(2), purchases: [{ at: weeksAgo(2), value: 100 }] });
    tally.add({ orders: 1, firstPurchaseAt: weeksAgo(8), lastPurchaseAt: weeksAgo(8), purchases: [{ at: weeksAgo(8), value: 100 }] });
    expect(calibration).toBeUndefined();
    expect(tally.newBeforeNow).toBe(2);
    expect(tally.newBeforeCutoff).toBe(1);
  });

  it('with a capped purchase list, every kept order is a repeat and the count comes from the total', () => {
    const tally = new HistoryTally(NOW, 0);
    const kept = [{ at: weeksAgo(2), value: 200 }, { at: weeksAgo(1), value: 400 }];
    const { now } = tally.add({ orders: 500, firstPurchaseAt: weeksAgo(100), lastPurchaseAt: weeksAgo(1), purchases: kept });
    expect(now).toEqual({ frequency: 499, recency: 99, T: 100, monetary: 300 });
  });
});
