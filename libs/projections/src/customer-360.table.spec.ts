import type { EventType, JourneyEvent } from '@journey/contracts';
import { DEFAULT_LIFECYCLE, emptyCustomer360, evolve, type Customer360 } from '@journey/domain';
import { SAMPLE_DATA } from '../../../test/support/sample-events';
import { changedRow, toRow } from './customer-360.table';

const COLD = ['profile', 'identities', 'consent', 'orders_by_currency', 'revenue', 'refunds', 'categories', 'products', 'purchases', 'open_tickets', 'messages'];

let n = 0;
function fold(state: Customer360, type: EventType, data: Record<string, unknown> = SAMPLE_DATA[type]): Customer360 {
  n++;
  const event = { eventId: `e-${n}`, type, version: 1, customerId: state.customerId, occurredAt: `2026-03-01T12:00:${String(n % 60).padStart(2, '0')}.000Z`, source: 'test', data, metadata: {} } as JourneyEvent;
  return evolve(state, event, DEFAULT_LIFECYCLE).state;
}

describe('the row an update of the 360 sends', () => {
  const known = fold(fold(fold(emptyCustomer360('c-1'), 'CustomerRegistered'), 'ConsentChanged'), 'PurchaseCompleted');

  it('is the whole row for a new customer', () => {
    const row = changedRow({ before: undefined, after: known });
    for (const column of COLD) expect(row).toHaveProperty(column);
  });

  it('leaves out every bulky column a browse event did not change, and keeps the counters it did', () => {
    const row = changedRow({ before: known, after: fold(known, 'ProductViewed') });
    for (const column of COLD) expect(row).not.toHaveProperty(column);
    expect(row).toMatchObject({ customer_id: 'c-1', views: 1, orders: 1, event_count: 4 });
  });

  it('sends what a purchase changed: its sums, lists and top products, not the profile or consent', () => {
    const row = changedRow({ before: known, after: fold(known, 'PurchaseCompleted') });
    expect(Object.keys(row).filter((column) => COLD.includes(column)).sort()).toEqual(['categories', 'orders_by_currency', 'products', 'purchases', 'revenue']);
    expect(row.orders).toBe(2);
  });

  it('sends the profile when the customer changed it', () => {
    const row = changedRow({ before: known, after: fold(known, 'CustomerProfileUpdated', { city: 'Lyon' }) });
    expect(Object.keys(row).filter((column) => COLD.includes(column))).toEqual(['profile']);
  });
});

describe('the event history as a row stores it', () => {
  it('is the same text for the same history, whatever order the fold met its keys in', () => {
    const viewedFirst = fold(fold(emptyCustomer360('c-2'), 'ProductViewed'), 'CartUpdated');
    const cartFirst = fold(fold(emptyCustomer360('c-2'), 'CartUpdated'), 'ProductViewed');
    expect(Object.keys(viewedFirst.activity)).not.toEqual(Object.keys(cartFirst.activity));
    const stored = (state: Customer360) => toRow(state).activity;
    expect(stored(viewedFirst)).toBe(stored(cartFirst));
  });
});
