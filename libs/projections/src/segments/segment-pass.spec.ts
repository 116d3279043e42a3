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
  segmentAndDependents,
  type AfterCustomerEvent,
  type Customer360,
  type SegmentChange,
  type SegmentDefinition,
} from '@journey/domain';
import { CATEGORIES, segmentsArbitrary } from '../../../../test/support/segment-arbitraries';
import { segmentPass, type SegmentPass } from './segment-pass';
import { membershipEvent } from './segment-writer';

const DAY = 86_400_000;
const START = Date.parse('2026-01-01T00:00:00.000Z');

/** The pass as it would be without the index: every segment judged on every event. */
function judgeEverySegment(segments: readonly SegmentDefinition[]): SegmentPass {
  const changes: SegmentChange[] = [];
  const judged = new Map<string, number>();
  const afterEvent: AfterCustomerEvent = (_before, after, event) => {
    // With no segment live, a customer's first judgement waits for the first segment.
    if (segments.length === 0 && after.segmentReviewAt === null) return after;
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

/**
 * A segment saved between two batches of the pass, and its backfill over every customer: the next
 * segment not yet live, or when all are, one of them (by position) backfilled again.
 */
type Backfill = { readonly backfill: number };

/**
 * Folds the events in batches of `size` through a pass made for each batch, as the projector
 * does, with backfills between batches as the job runs them (each customer's row judged for one
 * segment at the job's instant, written only when the job would write it). Every membership
 * change, the pass's and the backfill's, comes back as its event `lag` events later, as the log
 * holds it once appended after its commit.
 */
function run(
  items: ReadonlyArray<JourneyEvent | Backfill>,
  size: number,
  lag: number,
  segments: readonly SegmentDefinition[],
  initial: number,
  makePass: (live: readonly SegmentDefinition[]) => SegmentPass,
) {
  const customers = new Map<string, Customer360>();
  const changes: SegmentChange[] = [];
  const queue = [...items];
  let latest = START;
  const feed = (decided: readonly SegmentChange[]): void => {
    queue.splice(Math.min(lag, queue.length), 0, ...decided.map((change) => membershipEvent(change) as unknown as JourneyEvent));
    changes.push(...decided);
  };
  let jobs = 0;
  // Segments go live in the order of their ids (each names only those before it).
  let created = Math.min(initial, segments.length);
  const liveOnes = () => (created >= segments.length ? segments : segments.filter((segment) => Number(segment.id.slice(1)) < created));
  while (queue.length > 0) {
    const head = queue[0]!;
    if ('backfill' in head) {
      queue.shift();
      const saved = created < segments.length ? `s${created++}` : undefined;
      const target = saved ? segments.find((segment) => segment.id === saved)! : segments[head.backfill % segments.length]!;
      const live = liveOnes();
      const jobId = `job-${jobs++}`;
      const decided: SegmentChange[] = [];
      for (const [id, customer] of customers) {
        const decision = decideMemberships(customer, live, latest + 3_600_000, { kind: 'backfill', jobId }, segmentAndDependents(live, target.id));
        const next = decision.state.segmentReviewAt;
        if (decision.changes.length === 0 && (next === null || (customer.segmentReviewAt !== null && next >= customer.segmentReviewAt))) continue;
        customers.set(id, decision.state);
        decided.push(...decision.changes);
      }
      feed(decided);
      continue;
    }
    const batch: JourneyEvent[] = [];
    while (batch.length < size && queue.length > 0 && !('backfill' in queue[0]!)) batch.push(queue.shift() as JourneyEvent);
    const pass = makePass(liveOnes());
    for (const event of batch) {
      latest = Math.max(latest, Date.parse(event.occurredAt));
      if (event.customerId && !customers.has(event.customerId)) customers.set(event.customerId, emptyCustomer360(event.customerId));
    }
    foldEvents(batch, { customers, visitors: new Map() }, DEFAULT_LIFECYCLE, undefined, pass.afterEvent);
    pass.settle(customers);
    feed(pass.changes);
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
  it('decides exactly what judging every segment on every event decides, membership events, segments saved later and their backfills included', () => {
    const item: fc.Arbitrary<Step | Backfill> = fc.oneof({ weight: 8, arbitrary: stepArbitrary }, { weight: 2, arbitrary: fc.record({ backfill: fc.nat(5) }) });
    fc.assert(
      fc.property(segmentsArbitrary(6), fc.array(item, { minLength: 1, maxLength: 60 }), fc.integer({ min: 1, max: 25 }), fc.nat(8), fc.nat(6), (inputs, steps, size, lag, initial) => {
        const segments = parsed(inputs);
        const events = eventsOf(steps.filter((step): step is Step => !('backfill' in step)));
        let next = 0;
        const items = steps.map((step) => ('backfill' in step ? step : events[next++]!));
        const strict = initial >= segments.length;
        // A segment saved later is judged by the lazier pass at the first event that moves it, by the
        // reference at the first event after its save: only where each customer ends up can agree.
        // Each customer's last event, long after the rest, settles what time alone moves.
        const last = Date.parse(events.at(-1)?.occurredAt ?? new Date(START).toISOString()) + 200 * DAY;
        const settling = strict ? [] : ['c-0', 'c-1', 'c-2'].map((customerId, n): JourneyEvent => ({ ...eventsOf([{ kind: 'sent', customer: n, hours: 0, category: 'shoes', flag: true, late: false }])[0]!, eventId: `00000000-0000-4000-9000-00000000000${n}`, customerId, occurredAt: new Date(last).toISOString() }));
        const indexed = run([...items, ...settling], size, lag, segments, initial, (live) => segmentPass(live));
        const every = run([...items, ...settling], size, lag, segments, initial, (live) => judgeEverySegment(live));
        const members = (customer: Customer360) => Object.entries(customer.segments).filter(([, membership]) => membership.member).map(([id]) => id).sort();
        if (strict) expect(indexed.changes).toEqual(every.changes);
        for (const [id, customer] of every.customers) {
          const mine = indexed.customers.get(id)!;
          if (strict) expect([mine.segments, mine.segmentReviewAt, mine.segmentsAt]).toEqual([customer.segments, customer.segmentReviewAt, customer.segmentsAt]);
          else expect(members(mine)).toEqual(members(customer));
        }
      }),
      { numRuns: 1000 },
    );
  });

  it("takes a customer out of a segment a backfill put them in when a membership event's fold moves their stage", () => {
    const segments = parsed([{ id: 'first', name: 'First-time buyers', conditions: { field: 'stage', op: 'eq', value: 'first_time' } }]);
    const [purchase] = eventsOf([{ kind: 'purchase', customer: 0, hours: 0, category: 'shoes', flag: true, late: false }]);
    const customers = new Map([['c-0', emptyCustomer360('c-0')]]);
    foldEvents([purchase!], { customers, visitors: new Map() }, DEFAULT_LIFECYCLE);
    // Saved 70 days after the purchase, the segment is backfilled on the row, which still says first_time (no event came since).
    const backfill = decideMemberships(customers.get('c-0')!, segments, START + 70 * DAY, { kind: 'backfill', jobId: 'job' }, new Set(['first']));
    expect(backfill.changes.map((change) => change.entered)).toEqual([true]);
    customers.set('c-0', backfill.state);
    // The SegmentEntered's fold, at the job's instant, moves the stage to at_risk (60 days without
    // a purchase); the lifecycle clock's LifecycleStageChanged comes after it and changes nothing more.
    const stageChanged = { ...purchase!, eventId: '00000000-0000-4000-8000-0000000000ff', type: 'LifecycleStageChanged', occurredAt: new Date(START + 60 * DAY).toISOString(), data: { from: 'first_time', to: 'at_risk', reason: 'no purchase for 60 days' } } as JourneyEvent;
    const pass = segmentPass(segments);
    foldEvents([membershipEvent(backfill.changes[0]!) as unknown as JourneyEvent, stageChanged], { customers, visitors: new Map() }, DEFAULT_LIFECYCLE, undefined, pass.afterEvent);
    pass.settle(customers);
    expect(pass.changes.map((change) => [change.segmentId, change.entered, change.change])).toEqual([['first', false, 2]]);
    expect(customers.get('c-0')).toMatchObject({ lifecycle: { stage: 'at_risk' }, segments: { first: { member: false, change: 2 } } });
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
    const { changes } = run(events, 2, 0, segments, 2, (live) => segmentPass(live));
    expect(changes.map((change) => [change.segmentId, change.entered, change.at])).toEqual([
      ['today', true, '2026-01-01T00:00:00.000Z'],
      ['today', false, '2026-01-02T00:00:00.000Z'],
    ]);
  });

  it('takes a customer out of every segment when CustomerForgotten is folded, though the forget request had already marked their row forgotten', () => {
    const segments = parsed([{ id: 'buyers', name: 'Bought in 90 days', conditions: { event: 'PurchaseCompleted', atLeast: 1, within: '90d' } }]);
    const [bought, forgotten, viewed] = eventsOf([
      { kind: 'purchase', customer: 0, hours: 0, category: 'shoes', flag: true, late: false },
      { kind: 'forgotten', customer: 0, hours: 24, category: 'shoes', flag: true, late: false },
      { kind: 'view', customer: 0, hours: 24, category: 'shoes', flag: true, late: false },
    ]);
    const { changes, customers } = run([bought!], 1, 0, segments, 1, (live) => segmentPass(live));
    expect(changes.map((change) => [change.segmentId, change.entered])).toEqual([['buyers', true]]);
    // The request scrubs the row while the pass is behind.
    customers.set('c-0', { ...customers.get('c-0')!, profile: {}, forgotten: true });

    const pass = segmentPass(segments);
    foldEvents([forgotten!, viewed!], { customers, visitors: new Map() }, DEFAULT_LIFECYCLE, undefined, pass.afterEvent);
    pass.settle(customers);
    expect(pass.changes.map((change) => [change.segmentId, change.entered, change.change])).toEqual([['buyers', false, 2]]);
    expect(customers.get('c-0')!.segments).toMatchObject({ buyers: { member: false, change: 2 } });
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
