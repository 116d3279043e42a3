import type { EventType, JourneyEvent } from '@journey/contracts';
import { DEFAULT_LIFECYCLE } from './lifecycle';
import { SAMPLE_DATA } from '../../../test/support/sample-events';
import { foldEvents, type FoldState } from './customer-fold';

let n = 0;
function event(type: EventType, owner: { customerId: string } | { anonymousId: string }, data: Record<string, unknown> = SAMPLE_DATA[type]): JourneyEvent {
  n++;
  return {
    eventId: `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`,
    type,
    version: 1,
    ...owner,
    occurredAt: `2026-03-01T12:00:${String(n % 60).padStart(2, '0')}.000Z`,
    source: 'test',
    data,
    metadata: {},
  } as JourneyEvent;
}

const customer = (customerId: string) => ({ customerId });
const visitor = (anonymousId: string) => ({ anonymousId });
const linked = (customerId: string, anonymousId: string): JourneyEvent => event('IdentityLinked', customer(customerId), { anonymousId });

function emptyState(): FoldState {
  return { customers: new Map(), visitors: new Map() };
}

describe('folding a batch of events into customers and visitors', () => {
  it("folds a customer's events into their 360 and names the stage changes they caused", () => {
    const state = emptyState();
    const result = foldEvents([event('PageViewed', customer('c-1')), event('PurchaseCompleted', customer('c-1'))], state, DEFAULT_LIFECYCLE);

    expect(state.customers.get('c-1')).toMatchObject({ views: 1, orders: 1, lifecycle: expect.objectContaining({ stage: 'first_time' }) });
    expect([...result.changedCustomers]).toEqual(['c-1']);
    expect(result.changedVisitors.size).toBe(0);
    expect(result.transitions).toEqual([{ customerId: 'c-1', transition: expect.objectContaining({ from: 'prospect', to: 'first_time' }) }]);
  });

  it("keeps an anonymous visitor's events with the visitor, out of every customer", () => {
    const state = emptyState();
    const result = foldEvents([event('PageViewed', visitor('a-1')), event('SearchPerformed', visitor('a-1'))], state, DEFAULT_LIFECYCLE);

    expect(state.visitors.get('a-1')).toMatchObject({ customerId: null, views: 1, searches: 1 });
    expect(state.customers.size).toBe(0);
    expect([...result.changedVisitors]).toEqual(['a-1']);
  });

  it("joins the visitor's history to the customer it is linked to, and counts its later events for that customer", () => {
    const state = emptyState();
    foldEvents([event('PageViewed', visitor('a-1')), event('SearchPerformed', visitor('a-1'))], state, DEFAULT_LIFECYCLE);

    const result = foldEvents([linked('c-1', 'a-1'), event('PageViewed', visitor('a-1'))], state, DEFAULT_LIFECYCLE);

    expect(state.customers.get('c-1')).toMatchObject({ views: 2, searches: 1 });
    expect(state.visitors.get('a-1')).toMatchObject({ customerId: 'c-1', views: 1, searches: 1 });
    expect([...result.changedCustomers]).toEqual(['c-1']);
    expect([...result.changedVisitors]).toEqual(['a-1']);
  });

  it('joins a visitor to the first customer it is linked to only, once', () => {
    const state = emptyState();
    foldEvents([event('PageViewed', visitor('a-1')), linked('c-1', 'a-1')], state, DEFAULT_LIFECYCLE);

    const result = foldEvents([linked('c-1', 'a-1'), linked('c-2', 'a-1')], state, DEFAULT_LIFECYCLE);

    expect(state.customers.get('c-1')).toMatchObject({ views: 1 });
    expect(state.customers.get('c-2')).toMatchObject({ views: 0 });
    expect(state.visitors.get('a-1')).toMatchObject({ customerId: 'c-1' });
    expect(result.changedVisitors.size).toBe(0);
  });

  it('marks no customer changed by a derived event whose change the state holds, and still hands it to the hook', () => {
    const state = emptyState();
    const entered = event('SegmentEntered', customer('c-1'), { segmentId: 'vip', segmentVersion: 1, change: 1, backfill: false, causeEventId: '00000000-0000-4000-8000-000000000001' });
    foldEvents([event('PageViewed', customer('c-1')), entered], state, DEFAULT_LIFECYCLE);
    const folded = state.customers.get('c-1')!;
    const seen: string[] = [];
    const after: string[] = [];
    const result = foldEvents([entered, event('ActionScheduled', customer('c-1'))], state, DEFAULT_LIFECYCLE, (e) => seen.push(e.type), (_before, next, e) => {
      after.push(e.type);
      return next;
    });
    expect(result.changedCustomers.size).toBe(0);
    expect(state.customers.get('c-1')).toBe(folded);
    expect(seen).toEqual(['SegmentEntered', 'ActionScheduled']);
    expect(after).toEqual([]);
  });

  it('hands each event to the hook with the state that event left, not a later one', () => {
    const state = emptyState();
    const seen: Array<[string, number]> = [];
    foldEvents([event('PageViewed', customer('c-1')), event('PageViewed', customer('c-1')), event('PageViewed', customer('c-1'))], state, DEFAULT_LIFECYCLE, (e, c) =>
      seen.push([e.type, c.views]),
    );

    expect(seen).toEqual([['PageViewed', 1], ['PageViewed', 2], ['PageViewed', 3]]);
  });

  it("hands the hook the link on the merged state, and a linked visitor's later event as the customer's", () => {
    const state = emptyState();
    const seen: Array<{ type: string; customerId: string | undefined; views: number }> = [];
    const hook = (e: JourneyEvent, c: { views: number }) => seen.push({ type: e.type, customerId: e.customerId, views: c.views });
    foldEvents([event('PageViewed', visitor('a-1')), event('PageViewed', visitor('a-1'))], state, DEFAULT_LIFECYCLE, hook);
    expect(seen).toEqual([]);

    foldEvents([linked('c-1', 'a-1'), event('ProductViewed', visitor('a-1'))], state, DEFAULT_LIFECYCLE, hook);

    expect(seen).toEqual([
      { type: 'IdentityLinked', customerId: 'c-1', views: 2 },
      { type: 'ProductViewed', customerId: 'c-1', views: 3 },
    ]);
  });
});
