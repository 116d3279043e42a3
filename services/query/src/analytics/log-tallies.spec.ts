import type { RecordedEvent } from '@journey/event-store';
import { PurchaseMonthTally } from './log-tallies';

let position = 0;
function recorded(streamId: string, type: string, occurredAt: string, data: object = {}): RecordedEvent {
  position++;
  return { streamId, type, occurredAt, data, globalPosition: position } as unknown as RecordedEvent;
}

describe('retention cohorts tallied from the log', () => {
  const purchase = (streamId: string, at: string): RecordedEvent => recorded(streamId, 'PurchaseCompleted', at);

  it('puts each customer in the UTC month of their first purchase and counts the months they bought in after it', () => {
    const tally = new PurchaseMonthTally();
    tally.add([
      purchase('customer-a', '2026-01-31T23:30:00Z'),
      purchase('customer-a', '2026-01-02T00:00:00Z'),
      purchase('customer-a', '2026-03-15T00:00:00Z'),
      purchase('customer-b', '2026-01-20T00:00:00Z'),
      purchase('customer-b', '2026-02-01T00:00:00Z'),
      purchase('customer-c', '2026-02-10T00:00:00Z'),
    ]);
    expect(tally.cohorts({ from: '2026-01-15T00:00:00Z', to: '2026-12-31T00:00:00Z' })).toEqual([
      { month: '2026-01', customers: 2, active: [2, 1, 1] },
      { month: '2026-02', customers: 1, active: [1] },
    ]);
  });

  it('leaves out cohorts whose month begins outside the period, across a year end', () => {
    const tally = new PurchaseMonthTally();
    tally.add([purchase('customer-a', '2025-11-03T00:00:00Z'), purchase('customer-b', '2025-12-24T00:00:00Z'), purchase('customer-b', '2026-01-05T00:00:00Z')]);
    expect(tally.cohorts({ from: '2025-12-01T00:00:00Z', to: '2026-01-01T00:00:00Z' })).toEqual([{ month: '2025-12', customers: 1, active: [1, 1] }]);
  });
});
