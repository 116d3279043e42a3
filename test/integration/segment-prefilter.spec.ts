import fc from 'fast-check';
import { LIFECYCLE_STAGES, RFM_SEGMENTS, VALUE_TIERS } from '@journey/contracts';
import { dayOf, decideMemberships, emptyCustomer360, holds, nextFlip, nextSegmentReview, parseSegment, type Customer360, type SegmentDefinition } from '@journey/domain';
import { candidateFilter, conditionTests, fromRow, LIVE_TABLES, saveCustomers } from '@journey/projections';
import { CATEGORIES, conditionArbitrary } from '../support/segment-arbitraries';
import { backends, createTestDatabase, type TestDatabase } from '../support/test-database';

const BASE = Date.parse('2026-06-15T00:00:00.000Z');
const OTHERS = ['s0', 's1'];
const HISTORY_KEYS = ['PurchaseCompleted', 'ProductViewed', 'MessageOpened', ...CATEGORIES.flatMap((c) => [`PurchaseCompleted|category=${c}`, `ProductViewed|category=${c}`])];

const instant = (offsetHours: number) => new Date(BASE + offsetHours * 3_600_000).toISOString();
const maybe = <T>(arbitrary: fc.Arbitrary<T>) => fc.option(arbitrary, { nil: null });
// Instants on a 12-hour grid, as are the instants judged and the durations: values often sit right on a bound.
const hours = fc.integer({ min: -240, max: 40 }).map((n) => n * 12);
const judgedAt = fc.integer({ min: -60, max: 60 }).map((n) => BASE + n * 12 * 3_600_000);

/** Customers of the 360 with values around the instants judged: every field a condition reads, present or not. */
const customerArbitrary = (n: number): fc.Arbitrary<Customer360> =>
  fc
    .record({
      stage: fc.constantFrom(...LIFECYCLE_STAGES),
      tier: maybe(fc.constantFrom(...VALUE_TIERS)),
      segment: maybe(fc.constantFrom(...RFM_SEGMENTS)),
      country: fc.option(fc.constantFrom('DE', 'FR', 'GB'), { nil: undefined }),
      city: fc.option(fc.constantFrom('Paris', 'Lyon'), { nil: undefined }),
      orders: fc.integer({ min: 0, max: 5 }),
      tickets: fc.integer({ min: 0, max: 2 }),
      nps: maybe(fc.integer({ min: 0, max: 10 })),
      revenue: fc.option(fc.integer({ min: 0, max: 30_000 }), { nil: undefined }),
      refunds: fc.option(fc.integer({ min: 0, max: 10_000 }), { nil: undefined }),
      consent: fc.option(fc.boolean(), { nil: undefined }),
      categories: fc.subarray([...CATEGORIES]),
      dates: fc.array(maybe(hours), { minLength: 5, maxLength: 5 }),
      activity: fc.dictionary(fc.constantFrom(...HISTORY_KEYS), fc.uniqueArray(fc.integer({ min: -130, max: 20 }), { minLength: 1, maxLength: 6 })),
      members: fc.subarray(OTHERS),
      target: fc.boolean(),
      review: maybe(hours),
    })
    .map((v): Customer360 => {
      const [lastPurchaseAt, firstPurchaseAt, lastActivityAt, lastEngagementAt, registeredAt] = v.dates.map((h) => (h === null ? null : instant(h)));
      const today = dayOf(BASE);
      const membership = (member: boolean) => ({ member, change: 1, version: 1, since: instant(-1), backfill: false });
      return {
        ...emptyCustomer360(`pf-${n}`),
        lifecycle: { stage: v.stage, since: null, purchases: [], asOf: null },
        tier: v.tier,
        segment: v.segment,
        profile: { ...(v.country ? { country: v.country } : {}), ...(v.city ? { city: v.city } : {}) },
        orders: v.orders,
        openTickets: Array.from({ length: v.tickets }, (_, i) => `t-${i}`),
        nps: v.nps,
        revenue: v.revenue === undefined ? {} : { EUR: v.revenue },
        refunds: v.refunds === undefined ? {} : { EUR: v.refunds },
        consent: v.consent === undefined ? {} : { 'email:marketing': { granted: v.consent, at: instant(-100) } },
        categories: Object.fromEntries(v.categories.map((c) => [c, 1])),
        lastPurchaseAt,
        firstPurchaseAt,
        lastActivityAt,
        lastEngagementAt,
        registeredAt,
        activity: Object.fromEntries(Object.entries(v.activity).map(([key, days]) => [key, [...days].sort((a, b) => a - b).flatMap((d) => [today + d, 1])])),
        segments: { ...Object.fromEntries(v.members.map((id) => [id, membership(true)])), target: membership(v.target) },
        segmentReviewAt: v.review === null ? null : instant(v.review),
      };
    });

function target(conditions: Record<string, unknown>): SegmentDefinition {
  const parsed = parseSegment({ id: 'target', name: 'target', conditions });
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors));
  return { ...parsed.segment, version: 2 };
}

describe.each(backends())('the backfill pre-filter on %s', (backend) => {
  let t: TestDatabase;
  let customers: Customer360[];

  beforeAll(async () => {
    t = await createTestDatabase(backend);
    const generated = fc.sample(fc.tuple(...Array.from({ length: 60 }, (_, n) => customerArbitrary(n))), { numRuns: 1, seed: 20 })[0]!;
    await t.db.transaction((tx) => saveCustomers(tx, LIVE_TABLES, generated.map((after) => ({ before: undefined, after }))));
    // The code judges what the backfill reads: the rows as stored.
    const { rows } = await t.db.query<Record<string, unknown>>(`SELECT * FROM ${LIVE_TABLES.customers} ORDER BY customer_id`);
    customers = rows.map((row) => fromRow(row as Parameters<typeof fromRow>[0]));
  });
  afterAll(() => t.drop());

  it('is never false where the code finds the condition holding, failing, or movable by time', async () => {
    await fc.assert(
      fc.asyncProperty(conditionArbitrary(OTHERS), judgedAt, async (conditions, at) => {
        const { conditions: condition } = target(conditions);
        const tests = conditionTests(condition, at, 1);
        const { rows } = await t.db.query<{ customer_id: string; can_hold: boolean; can_fail: boolean; can_flip: boolean }>(
          `SELECT customer_id, ${tests.canHold} AS can_hold, ${tests.canFail} AS can_fail, ${tests.canFlip} AS can_flip FROM ${LIVE_TABLES.customers}`,
          tests.params,
        );
        const sql = new Map(rows.map((row) => [row.customer_id, row]));
        for (const customer of customers) {
          const context = { customer, at, memberships: customer.segments };
          const row = sql.get(customer.customerId)!;
          const code = { holds: holds(condition, context), flips: nextFlip(condition, context) !== null };
          expect({ customer: customer.customerId, ...code, canHold: row.can_hold, canFail: row.can_fail, canFlip: row.can_flip }).toEqual({
            customer: customer.customerId,
            ...code,
            canHold: code.holds ? true : row.can_hold,
            canFail: code.holds ? row.can_fail : true,
            canFlip: code.flips ? true : row.can_flip,
          });
        }
      }),
      { numRuns: backend === 'pglite' ? 150 : 300 },
    );
  });

  it('picks every customer whose judgement the backfill must write', async () => {
    await fc.assert(
      fc.asyncProperty(conditionArbitrary(OTHERS), judgedAt, async (conditions, at) => {
        const segment = target(conditions);
        const filter = candidateFilter(segment, segment.id, at, 1);
        const { rows } = await t.db.query<{ customer_id: string }>(`SELECT customer_id FROM ${LIVE_TABLES.customers} WHERE ${filter.sql}`, filter.params);
        const picked = new Set(rows.map((row) => row.customer_id));
        for (const customer of customers) {
          const decision = decideMemberships(customer, [segment], at, { kind: 'backfill', jobId: 'job' }, new Set([segment.id]));
          const review = nextSegmentReview(decision.state, [segment], at);
          const sooner = review !== null && (customer.segmentReviewAt === null || review < customer.segmentReviewAt);
          if (decision.changes.length > 0 || sooner) expect([customer.customerId, picked.has(customer.customerId)]).toEqual([customer.customerId, true]);
        }
      }),
      { numRuns: backend === 'pglite' ? 100 : 200 },
    );
  });

  it('leaves out the non-members a selective segment cannot hold', async () => {
    const segment = target({ all: [{ event: 'PurchaseCompleted', where: { category: 'shoes' }, atLeast: 2, within: '30d' }, { field: 'netRevenue.EUR', op: 'gte', value: 20_000 }] });
    const filter = candidateFilter(segment, segment.id, BASE, 1);
    const { rows } = await t.db.query<{ n: number | string }>(`SELECT count(*) AS n FROM ${LIVE_TABLES.customers} WHERE NOT member_of @> ARRAY['target'] AND ${filter.sql}`, filter.params);
    const outside = customers.filter((customer) => !customer.segments.target!.member).length;
    expect(Number(rows[0]!.n)).toBeLessThan(outside / 2);
  });
});
