import fc from 'fast-check';
import type { JourneyEvent } from '@journey/contracts';
import {
  decideMemberships,
  DEFAULT_LIFECYCLE,
  dependencyOrder,
  emptyCustomer360,
  foldEvents,
  nextSegmentReview,
  parseSegment,
  type AfterCustomerEvent,
  type Customer360,
  type SegmentChange,
  type SegmentDefinition,
} from '@journey/domain';
import { CATEGORIES, segmentsArbitrary } from '../../../../test/support/segment-arbitraries';
import { segmentPass, type SegmentPass } from './segment-pass';

const DAY = 86_400_000;
const START = Date.parse('2026-01-01T00:00:00.000Z');

/** The pass as it would be without the index: every segment judged on every event. */
function judgeEverySegment(segments: readonly SegmentDefinition[]): SegmentPass {
  const changes: SegmentChange[] = [];
  const judged = new Map<string, number>();
  const afterEvent: AfterCustomerEvent = (_before, after, event) => {
    if (event.type === 'SegmentEntered' || event.type === 'SegmentExited') return after;
    const last = judged.get(after.customerId) ?? (after.segmentsAt === null ? -Infinity : Date.parse(after.segmentsAt));
    const at = Math.max(last, Date.parse(event.occurredAt));
    judged.set(after.customerId, at);
    const decision = decideMemberships(after, segments, at, { kind: 'event', eventId: event.eventId }, undefined, { review: false });
    changes.push(...decision.changes);
    return decision.state;
  };
  const settle = (customers: Map<string, Customer360>): void => {
    for (const [id, at] of judged) {
      const customer = customers.get(id)!;
      customers.set(id, { ...customer, segmentReviewAt: nextSegmentReview(customer, segments, at), segmentsAt: new Date(at).toISOString() });
    }
  };
  return { afterEvent, changes, settle };
}

type Step = { readonly kind: string; readonly customer: number; readonly hours: number; readonly category: string; readonly flag: boolean; readonly late: boolean };

const stepArbitrary: fc.Arbitrary<Step> = fc.record({
  kind: fc.constantFrom('purchase', 'purchase', 'view', 'view', 'open', 'sent', 'consent', 'moved', 'refund', 'ticket', 'feedback', 'forgotten'),
  customer: fc.integer({ min: 0, max: 2 }),
  // Whole days often: events then fall on the instants (midnights, durations after an event) when time flips a condition.
  hours: fc.oneof(fc.integer({ min: 0, max: 24 * 40 }), fc.constantFrom(0, 12, 24, 48, 24 * 10, 24 * 30)),
  category: fc.constantFrom(...CATEGORIES),
  flag: fc.boolean(),
  late: fc.boolean(),
});

/** Events of three customers over months, some dated before the one before them. */
function eventsOf(steps: readonly Step[]): JourneyEvent[] {
  let clock = START;
  return steps.map((step, n): JourneyEvent => {
    clock += step.hours * 3_600_000;
    const occurredAt = new Date(step.late ? clock - 20 * DAY : clock).toISOString();
    const customerId = `c-${step.customer}`;
    const base = { eventId: `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`, version: 1, customerId, occurredAt, source: 'test', metadata: {} };
    const data = ((): [string, Record<string, unknown>] => {
      switch (step.kind) {
        case 'purchase':
          return ['PurchaseCompleted', { orderId: `o-${n}`, items: [{ sku: `p-${n}`, category: step.category, quantity: 1, unitPrice: 6_000 }], total: 6_000, currency: 'EUR' }];
        case 'view':
          return ['ProductViewed', { sku: `p-${n}`, category: step.category }];
        case 'open':
          return ['MessageOpened', { messageId: `m-${n}`, channel: 'email' }];
        case 'sent':
          return ['MessageSent', { messageId: `m-${n}`, channel: 'email' }];
        case 'consent':
          return ['ConsentChanged', { channel: 'email', purpose: 'marketing', granted: step.flag }];
        case 'moved':
          return ['CustomerProfileUpdated', { country: step.flag ? 'DE' : 'FR', city: 'Paris' }];
        case 'refund':
          return ['PurchaseRefunded', { orderId: `o-${n}`, amount: 4_000, currency: 'EUR' }];
        case 'ticket':
          return step.flag ? ['TicketOpened', { ticketId: `t-${step.customer}` }] : ['TicketResolved', { ticketId: `t-${step.customer}` }];
        case 'feedback':
          return ['FeedbackGiven', { score: step.flag ? 9 : 3 }];
        default:
          return ['CustomerForgotten', {}];
      }
    })();
    return { ...base, type: data[0], data: data[1] } as JourneyEvent;
  });
}

/** Folds the events in batches of `size` through a pass made for each batch, as the projector does. */
function run(events: readonly JourneyEvent[], size: number, makePass: () => SegmentPass) {
  const customers = new Map<string, Customer360>();
  const changes: SegmentChange[] = [];
  for (let from = 0; from < events.length; from += size) {
    const pass = makePass();
    for (const event of events.slice(from, from + size)) if (event.customerId && !customers.has(event.customerId)) customers.set(event.customerId, emptyCustomer360(event.customerId));
    foldEvents(events.slice(from, from + size), { customers, visitors: new Map() }, DEFAULT_LIFECYCLE, undefined, pass.afterEvent);
    pass.settle(customers);
    changes.push(...pass.changes);
  }
  return { changes, customers };
}

function parsed(inputs: ReadonlyArray<Record<string, unknown>>): SegmentDefinition[] {
  return dependencyOrder(
    inputs.map((input) => {
      const result = parseSegment(input);
      if (!result.ok) throw new Error(JSON.stringify(result.errors));
      return { ...result.segment, version: 1 };
    }),
  );
}

describe('the live segment pass', () => {
  it('decides exactly what judging every segment on every event decides: the same changes, memberships and review instants', () => {
    fc.assert(
      fc.property(segmentsArbitrary(6), fc.array(stepArbitrary, { minLength: 1, maxLength: 60 }), fc.integer({ min: 1, max: 25 }), (inputs, steps, size) => {
        const segments = parsed(inputs);
        const events = eventsOf(steps);
        const indexed = run(events, size, () => segmentPass(segments));
        const every = run(events, size, () => judgeEverySegment(segments));
        expect(indexed.changes).toEqual(every.changes);
        for (const [id, customer] of every.customers) {
          const mine = indexed.customers.get(id)!;
          expect([mine.segments, mine.segmentReviewAt, mine.segmentsAt]).toEqual([customer.segments, customer.segmentReviewAt, customer.segmentsAt]);
        }
      }),
      { numRuns: 400 },
    );
  });

  it('judges a segment on an event at the very instant time moves it, though the event changes nothing it reads', () => {
    const segments = parsed([
      { id: 'today', name: 'Bought today', conditions: { event: 'PurchaseCompleted', atLeast: 1, within: '1d' } },
      { id: 'rich', name: 'Rich', conditions: { field: 'netRevenue.EUR', op: 'gte', value: 10_000 } },
    ]);
    // Bought on 1 January at 00:00; the day leaves the 1-day window at the start of 2 January, when a message is sent.
    const events = eventsOf([
      { kind: 'purchase', customer: 0, hours: 0, category: 'shoes', flag: true, late: false },
      { kind: 'sent', customer: 0, hours: 24, category: 'shoes', flag: true, late: false },
    ]);
    const { changes } = run(events, 2, () => segmentPass(segments));
    expect(changes.map((change) => [change.segmentId, change.entered, change.at])).toEqual([
      ['today', true, '2026-01-01T00:00:00.000Z'],
      ['today', false, '2026-01-02T00:00:00.000Z'],
    ]);
  });

  it('judges no segment on an event that changes nothing a segment reads, and sets no new review instant', () => {
    const segments = parsed([{ id: 'rich', name: 'Rich', conditions: { field: 'netRevenue.EUR', op: 'gte', value: 10_000 } }]);
    const [sent] = eventsOf([{ kind: 'sent', customer: 0, hours: 1, category: 'shoes', flag: true, late: false }]);
    const judged: Customer360 = { ...emptyCustomer360('c-0'), segmentsAt: '2026-01-01T00:00:00.000Z' };
    const pass = segmentPass(segments);
    const after = pass.afterEvent(judged, { ...judged, eventCount: 1 }, sent!);
    expect(after.segments).toBe(judged.segments);
    const customers = new Map([['c-0', after]]);
    pass.settle(customers);
    expect(customers.get('c-0')).toMatchObject({ segmentReviewAt: null, segmentsAt: sent!.occurredAt });
  });
});
