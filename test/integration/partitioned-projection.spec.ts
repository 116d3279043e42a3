import { randomUUID } from 'node:crypto';
import type { JourneyEvent } from '@journey/contracts';
import type { Queryable } from '@journey/database';
import { partitionOf, type PartitionLeases } from '@journey/event-store';
import { PostgresEventStore } from '@journey/event-store/postgres';
import { DEFAULT_PROJECTION_OPTIONS } from '@journey/platform';
import { CUSTOMER_PROJECTION, Projector, rebuildCustomerProjection } from '@journey/projections';
import { customerEvent, ProjectionHarness, purchase } from '../support/projection-harness';
import { createTestDatabase, describeWithServer, type TestDatabase } from '../support/test-database';
import { until } from '../support/until';

const P = 16;

/** A process that holds a fixed set of partitions (the leases are another suite's subject). */
function holding(partitions: readonly number[]): PartitionLeases<Queryable> {
  const owned = new Set(partitions);
  return {
    group: CUSTOMER_PROJECTION,
    count: P,
    owned: () => owned,
    onChange: () => () => undefined,
    holds: () => Promise.resolve(true),
    start: () => Promise.resolve(),
    stop: () => Promise.resolve(),
    status: () => ({ group: CUSTOMER_PROJECTION, member: 'fixed', count: P, owned: [...owned], members: 2 }),
  };
}

/** Ids whose customer and visitor fall in different partitions. */
function apart(): { customerId: string; anonymousId: string } {
  for (;;) {
    const customerId = `c-${randomUUID().slice(0, 8)}`;
    const anonymousId = `v-${randomUUID().slice(0, 8)}`;
    if (partitionOf(customerId, P) !== partitionOf(anonymousId, P)) return { customerId, anonymousId };
  }
}

describeWithServer('a linked visitor whose partition is not the customer’s', () => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await createTestDatabase('postgres', 6);
  });
  afterAll(async () => {
    await t.drop();
  });

  /** Two processes: `rest` holds every partition but `key`'s, `alone` holds that one; `end` stops both and checks the read models against a rebuild. */
  const twoProcesses = async (key: string) => {
    const h = new ProjectionHarness(t.db);
    const options = { ...DEFAULT_PROJECTION_OPTIONS, clockIntervalMs: 0, rfmIntervalMs: 0 };
    const storeB = new PostgresEventStore(await t.open(3));
    const own = partitionOf(key, P);
    const rest = new Projector(t.db, h.store, options, () => h.now, { partitions: holding([...Array(P).keys()].filter((p) => p !== own)) });
    const alone = new Projector(t.db, storeB, options, () => h.now, { partitions: holding([own]) });
    const end = async (): Promise<void> => {
      await rest.stop();
      await alone.stop();
      const rows = await h.dump();
      await rebuildCustomerProjection(t.db, h.store, { lifecycle: options.lifecycle, batchSize: 1000 });
      expect(await h.dump()).toBe(rows);
      await storeB.close();
      await h.close();
    };
    return { h, rest, alone, end };
  };

  it('folds the link only once the visitor’s partition has passed it, and ends equal to a rebuild', async () => {
    const { customerId, anonymousId } = apart();
    const visitor = { anonymousId };
    const { h, rest: customers, alone: visitors, end } = await twoProcesses(anonymousId);

    await h.publish(
      customerEvent('PageViewed', visitor, '2026-02-01T10:00:00.000Z'),
      customerEvent('SearchPerformed', visitor, '2026-02-01T10:05:00.000Z'),
      customerEvent('CustomerRegistered', { customerId }, '2026-02-01T11:00:00.000Z'),
      customerEvent('IdentityLinked', { customerId }, '2026-02-01T11:00:01.000Z', { anonymousId }),
      customerEvent('CartUpdated', visitor, '2026-02-01T12:00:00.000Z'),
      customerEvent('ProductViewed', { customerId }, '2026-02-01T12:30:00.000Z'),
    );
    // Only the customer's side runs: it folds the registration, then waits at the link.
    await customers.start();
    const registered = await until(async () => (await h.customer(customerId)) ?? undefined, 120_000, 'the registration folded');
    expect(registered.identities).toEqual([]);
    const { rows: none } = await t.db.query('SELECT 1 FROM journey.visitor_activity WHERE anonymous_id = $1', [anonymousId]);
    expect(none).toHaveLength(0);

    // The visitor's side catches up; the link then takes exactly the visitor's history before it.
    await visitors.start();
    await customers.caughtUp();
    const linked = await h.customer(customerId);
    expect(linked).toMatchObject({ identities: [anonymousId], views: 2, searches: 1, carts: 1 });
    await end();
  });

  it('folds a visitor’s event after the link before the customer’s later events, as one pass does', async () => {
    const { customerId, anonymousId } = apart();
    const { h, rest: customers, alone: visitors, end } = await twoProcesses(anonymousId);
    // A guest purchase on the visitor's stream after the link, then the customer's own purchase months later.
    const { customerId: _customerId, ...guest } = purchase(customerId, '2026-02-01T12:00:00.000Z');
    await h.publish(
      customerEvent('CustomerRegistered', { customerId }, '2026-02-01T11:00:00.000Z'),
      customerEvent('IdentityLinked', { customerId }, '2026-02-01T11:00:01.000Z', { anonymousId }),
      { ...guest, anonymousId } as unknown as JourneyEvent,
      purchase(customerId, '2026-09-01T12:00:00.000Z'),
    );
    await customers.start();
    await visitors.start();
    await customers.caughtUp();
    expect(await h.customer(customerId)).toMatchObject({ orders: 2, lifecycle: expect.objectContaining({ stage: 'reactivated' }) });
    await end();
  });

  it('gives a visitor linked to two customers to the first one, whichever partition runs ahead', async () => {
    const [first, second, anonymousId] = threeApart();
    // The first customer's partition lags behind the others.
    const { h, rest: ahead, alone: behind, end } = await twoProcesses(first);
    await h.publish(
      customerEvent('PageViewed', { anonymousId }, '2026-02-01T10:00:00.000Z'),
      customerEvent('CustomerRegistered', { customerId: first }, '2026-02-01T11:00:00.000Z'),
      customerEvent('IdentityLinked', { customerId: first }, '2026-02-01T11:00:01.000Z', { anonymousId }),
      customerEvent('CustomerRegistered', { customerId: second }, '2026-02-01T12:00:00.000Z'),
      customerEvent('IdentityLinked', { customerId: second }, '2026-02-01T12:00:01.000Z', { anonymousId }),
    );
    // The first customer's partition has not started: the second link waits for the first.
    await ahead.start();
    const registered = await until(async () => (await h.customer(second)) ?? undefined, 120_000, 'the second registration folded');
    expect(registered.identities).toEqual([]);
    await behind.start();
    await ahead.caughtUp();
    expect(await h.customer(first)).toMatchObject({ identities: [anonymousId], views: 1 });
    expect(await h.customer(second)).toMatchObject({ views: 0 });
    await end();
  });
});

/** A customer, another customer and a visitor, each in a partition of its own. */
function threeApart(): [string, string, string] {
  for (;;) {
    const ids = [`c-${randomUUID().slice(0, 8)}`, `c-${randomUUID().slice(0, 8)}`, `v-${randomUUID().slice(0, 8)}`] as const;
    if (new Set(ids.map((id) => partitionOf(id, P))).size === 3) return [...ids];
  }
}
