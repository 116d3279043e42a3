import fc from 'fast-check';
import { LIFECYCLE_STAGES } from '@journey/contracts';

/**
 * Segment conditions as JSON, of every kind the parser takes, for property tests: the live
 * pass's index and the backfill's SQL pre-filter are checked against judging every segment in code.
 */
export const CATEGORIES = ['shoes', 'books', 'toys'] as const;

const fieldLeaf: fc.Arbitrary<Record<string, unknown>> = fc.oneof(
  fc.record({ field: fc.constant('stage'), op: fc.constantFrom('in', 'nin'), value: fc.subarray([...LIFECYCLE_STAGES], { minLength: 1 }) }),
  fc.record({ field: fc.constant('stage'), op: fc.constantFrom('eq', 'ne'), value: fc.constantFrom(...LIFECYCLE_STAGES) }),
  fc.record({ field: fc.constantFrom('orders', 'openTickets'), op: fc.constantFrom('eq', 'ne', 'gt', 'gte', 'lt', 'lte'), value: fc.integer({ min: 0, max: 4 }) }),
  fc.record({ field: fc.constant('orders'), op: fc.constantFrom('in', 'nin'), value: fc.array(fc.integer({ min: 0, max: 4 }), { minLength: 1, maxLength: 3 }) }),
  fc.record({ field: fc.constant('nps'), op: fc.constantFrom('gte', 'lt', 'eq', 'ne'), value: fc.integer({ min: 0, max: 10 }) }),
  fc.record({ field: fc.constantFrom('nps', 'tier', 'rfmSegment', 'country', 'city', 'lastPurchaseAt', 'registeredAt'), op: fc.constantFrom('exists', 'missing') }),
  fc.record({ field: fc.constant('netRevenue.EUR'), op: fc.constantFrom('gte', 'gt', 'lt', 'lte', 'eq', 'ne'), value: fc.constantFrom(0, 5_000, 10_000, 25_000) }),
  fc.record({ field: fc.constant('consent.email:marketing'), op: fc.constantFrom('eq', 'ne'), value: fc.boolean() }),
  fc.record({ field: fc.constantFrom('country', 'city'), op: fc.constantFrom('eq', 'ne'), value: fc.constantFrom('DE', 'FR', 'Paris') }),
  fc.record({ field: fc.constant('country'), op: fc.constantFrom('in', 'nin'), value: fc.subarray(['DE', 'FR', 'GB'], { minLength: 1 }) }),
  fc.record({ field: fc.constant('topCategories'), op: fc.constant('contains'), value: fc.constantFrom(...CATEGORIES) }),
  fc.record({
    field: fc.constantFrom('lastPurchaseAt', 'firstPurchaseAt', 'lastActivityAt', 'lastEngagementAt', 'registeredAt'),
    op: fc.constantFrom('withinLast', 'notWithinLast'),
    value: fc.constantFrom('12h', '10d', '45d'),
  }),
  fc.record({ field: fc.constant('lastPurchaseAt'), op: fc.constantFrom('gt', 'lt'), value: fc.constant('2026-03-01T00:00:00.000Z') }),
);

const historyLeaf: fc.Arbitrary<Record<string, unknown>> = fc
  .record(
    {
      event: fc.constantFrom('PurchaseCompleted', 'ProductViewed', 'MessageOpened'),
      category: fc.option(fc.constantFrom(...CATEGORIES), { nil: undefined }),
      atLeast: fc.option(fc.integer({ min: 0, max: 3 }), { nil: undefined }),
      atMost: fc.option(fc.integer({ min: 0, max: 2 }), { nil: undefined }),
      within: fc.constantFrom('1d', '7d', '30d', '90d'),
    },
    { requiredKeys: ['event', 'within'] },
  )
  .map(({ event, category, atLeast, atMost, within }) => ({
    event,
    within,
    ...(category !== undefined && event !== 'MessageOpened' ? { where: { category } } : {}),
    ...(atLeast !== undefined || atMost === undefined ? { atLeast: atLeast ?? 1 } : {}),
    ...(atMost !== undefined ? { atMost } : {}),
  }));

/** A condition over fields and event histories, and memberships of the segments named in `others`. */
export function conditionArbitrary(others: readonly string[]): fc.Arbitrary<Record<string, unknown>> {
  const leaves = others.length === 0 ? [fieldLeaf, historyLeaf] : [fieldLeaf, historyLeaf, fc.record({ segment: fc.constantFrom(...others), member: fc.boolean() })];
  const leaf = fc.oneof(...leaves);
  // A definition nests at most eight levels deep (parseSegment refuses more); six keeps every draw valid.
  const { condition } = fc.letrec<{ condition: Record<string, unknown> }>((tie) => ({
    condition: fc.oneof(
      { depthSize: 'small', maxDepth: 6, withCrossShrink: true },
      leaf,
      fc.record({ all: fc.array(tie('condition'), { minLength: 1, maxLength: 3 }) }),
      fc.record({ any: fc.array(tie('condition'), { minLength: 1, maxLength: 3 }) }),
      fc.record({ not: tie('condition') }),
    ),
  }));
  return condition;
}

/** Up to `max` segments as JSON, each free to name the ones before it. */
export function segmentsArbitrary(max: number): fc.Arbitrary<Array<Record<string, unknown>>> {
  return fc.integer({ min: 1, max }).chain((count) => {
    const parts = Array.from({ length: count }, (_, i) =>
      conditionArbitrary(Array.from({ length: i }, (_, j) => `s${j}`)).map((conditions) => ({ id: `s${i}`, name: `segment ${i}`, conditions })),
    );
    return fc.tuple(...parts);
  });
}
