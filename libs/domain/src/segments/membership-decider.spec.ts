import { evolve, emptyCustomer360, type Customer360 } from '../customer-360';
import { DEFAULT_LIFECYCLE } from '../lifecycle';
import type { JourneyEvent } from '@journey/contracts';
import { decideMemberships, dependencyOrder, SegmentCycleError } from './membership-decider';
import { parseSegment } from './segment-definition';
import type { SegmentDefinition } from './segment';

const segment = (input: Record<string, unknown>, version = 1): SegmentDefinition => {
  const parsed = parseSegment({ name: 'test', ...input });
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors));
  return { ...parsed.segment, version };
};

let n = 0;
const event = (type: string, occurredAt: string, data: Record<string, unknown> = {}): JourneyEvent =>
  ({ eventId: `00000000-0000-4000-8000-${String(++n).padStart(12, '0')}`, type, version: 1, customerId: 'c-1', occurredAt, source: 'test', data, metadata: {} }) as JourneyEvent;
const shoes = (occurredAt: string) => event('PurchaseCompleted', occurredAt, { orderId: `o-${n}`, items: [{ sku: 's', category: 'shoes', quantity: 1, unitPrice: 100 }], total: 100, currency: 'EUR' });
const opened = (occurredAt: string) => event('MessageOpened', occurredAt, { messageId: `m-${n}`, channel: 'email' });

/** Folds the events and decides after each, as the pass does; returns the state and every change. */
function pass(segments: readonly SegmentDefinition[], events: readonly JourneyEvent[], start: Customer360 = emptyCustomer360('c-1')) {
  let state = start;
  const changes = [];
  for (const e of events) {
    const decision = decideMemberships(evolve(state, e, DEFAULT_LIFECYCLE).state, segments, Date.parse(e.occurredAt), { kind: 'event', eventId: e.eventId });
    state = decision.state;
    changes.push(...decision.changes);
  }
  return { state, changes };
}

describe('segment membership', () => {
  const twiceShoes = segment({ id: 'shoes', conditions: { event: 'PurchaseCompleted', where: { category: 'shoes' }, atLeast: 2, within: '90d' } });

  it('enters on the event that makes the condition hold, numbered 1, caused by that event', () => {
    const first = shoes('2026-01-01T10:00:00Z');
    const second = shoes('2026-02-01T10:00:00Z');
    const { state, changes } = pass([twiceShoes], [first, second]);
    expect(changes).toEqual([{ customerId: 'c-1', segmentId: 'shoes', version: 1, entered: true, change: 1, at: '2026-02-01T10:00:00.000Z', cause: { kind: 'event', eventId: second.eventId } }]);
    expect(state.segments.shoes).toMatchObject({ member: true, change: 1 });
  });

  it('exits when the first purchase leaves the 90-day window, and the review instant says when', () => {
    const { state } = pass([twiceShoes], [shoes('2026-01-01T10:00:00Z'), shoes('2026-02-01T10:00:00Z')]);
    // 1 January counts through 31 March; it leaves the window at the start of 1 April.
    expect(state.segmentReviewAt).toBe('2026-04-01T00:00:00.000Z');
    const review = decideMemberships(state, [twiceShoes], Date.parse('2026-04-01T00:00:00Z'), { kind: 'tick', at: '2026-04-01T00:00:00.000Z' });
    expect(review.changes).toEqual([expect.objectContaining({ entered: false, change: 2, cause: { kind: 'tick', at: '2026-04-01T00:00:00.000Z' } })]);
    expect(review.state.segmentReviewAt).toBe('2026-05-02T00:00:00.000Z');
  });

  it('"no MessageOpened in 30 days": out on an open, in when it ages out', () => {
    const quiet = segment({ id: 'quiet', conditions: { event: 'MessageOpened', atMost: 0, within: '30d' } });
    const { state, changes } = pass([quiet], [event('CustomerRegistered', '2026-03-01T09:00:00Z', {}), opened('2026-03-02T09:00:00Z')]);
    expect(changes.map((c) => [c.entered, c.change])).toEqual([
      [true, 1],
      [false, 2],
    ]);
    const later = decideMemberships(state, [quiet], Date.parse(state.segmentReviewAt!), { kind: 'tick', at: state.segmentReviewAt! });
    expect(later.changes.map((c) => [c.entered, c.change, c.at])).toEqual([[true, 3, '2026-04-01T00:00:00.000Z']]);
  });

  it('360 fields, consent, net revenue and membership of another segment, in dependency order', () => {
    const rich = segment({ id: 'rich', conditions: { all: [{ field: 'netRevenue.EUR', op: 'gte', value: 150 }, { field: 'consent.email:marketing', op: 'eq', value: true }] } });
    const richNotShoes = segment({ id: 'a-rich-not-shoes', conditions: { all: [{ segment: 'rich' }, { not: { segment: 'shoes' } }] } });
    const ordered = dependencyOrder([richNotShoes, twiceShoes, rich]);
    expect(ordered.map((s) => s.id).indexOf('rich')).toBeLessThan(ordered.map((s) => s.id).indexOf('a-rich-not-shoes'));
    const { state } = pass(ordered, [
      event('ConsentChanged', '2026-01-01T00:00:00Z', { channel: 'email', purpose: 'marketing', granted: true }),
      event('PurchaseCompleted', '2026-01-02T00:00:00Z', { orderId: 'o-a', items: [{ sku: 'x', category: 'hats', quantity: 1, unitPrice: 200 }], total: 200, currency: 'EUR' }),
    ]);
    expect(Object.keys(state.segments).filter((id) => state.segments[id]!.member).sort()).toEqual(['a-rich-not-shoes', 'rich']);
  });

  it('a date field ageing past a duration flips with time: lastPurchaseAt notWithinLast 60d', () => {
    const lapsed = segment({ id: 'lapsed', conditions: { field: 'lastPurchaseAt', op: 'notWithinLast', value: '60d' } });
    const { state } = pass([lapsed], [shoes('2026-01-01T10:00:00Z')]);
    expect(state.segments.lapsed).toBeUndefined();
    expect(state.segmentReviewAt).toBe('2026-03-02T10:00:00.000Z');
  });

  it('never judges back in time: a late event decides at the latest instant judged', () => {
    const { state } = pass([twiceShoes], [shoes('2026-01-01T10:00:00Z'), shoes('2026-02-01T10:00:00Z')]);
    const late = decideMemberships(state, [twiceShoes], Date.parse('2025-12-01T00:00:00Z'), { kind: 'event', eventId: 'x' });
    expect(late.changes).toEqual([]);
    expect(late.state.segmentsAt).toBe('2026-02-01T10:00:00.000Z');
  });

  it('a backfill of one segment keeps the review instant the others are due at, though it has passed', () => {
    const inShoes = pass([twiceShoes], [shoes('2026-01-01T10:00:00Z'), shoes('2026-02-01T10:00:00Z')]).state;
    expect(inShoes.segmentReviewAt).toBe('2026-04-01T00:00:00.000Z');
    // Saved in June, before the clock or an event has taken the customer out of shoes.
    const eu = segment({ id: 'eu', conditions: { field: 'netRevenue.EUR', op: 'gte', value: 100 } });
    const { state, changes } = decideMemberships(inShoes, [twiceShoes, eu], Date.parse('2026-06-01T00:00:00Z'), { kind: 'backfill', jobId: 'job' }, new Set(['eu']));
    expect(changes.map((change) => [change.segmentId, change.entered])).toEqual([['eu', true]]);
    expect(state).toMatchObject({ segments: { shoes: { member: true } }, segmentReviewAt: '2026-04-01T00:00:00.000Z' });
  });

  it('a forgotten customer is in no segment', () => {
    const { state } = pass([twiceShoes], [shoes('2026-01-01T10:00:00Z'), shoes('2026-02-01T10:00:00Z'), event('CustomerForgotten', '2026-02-02T00:00:00Z', { reason: 'request' })]);
    expect(state.segments.shoes).toMatchObject({ member: false, change: 2 });
  });

  it('refuses segments that depend on each other in a cycle', () => {
    const a = segment({ id: 'a', conditions: { segment: 'b' } });
    const b = segment({ id: 'b', conditions: { segment: 'a' } });
    expect(() => dependencyOrder([a, b])).toThrow(SegmentCycleError);
  });

  it('folding the recorded changes reaches the memberships decided, whatever was folded already', () => {
    const { state, changes } = pass([twiceShoes], [shoes('2026-01-01T10:00:00Z'), shoes('2026-02-01T10:00:00Z')]);
    const recorded = event('SegmentEntered', changes[0]!.at, { segmentId: 'shoes', segmentVersion: 1, change: 1, backfill: false });
    expect(evolve(state, recorded, DEFAULT_LIFECYCLE).state.segments).toEqual(state.segments);
    const replayed = evolve(emptyCustomer360('c-1'), recorded, DEFAULT_LIFECYCLE).state;
    expect(replayed.segments.shoes).toMatchObject({ member: true, change: 1 });
  });
});
