import { streamIdOf } from '@journey/contracts';
import { dataset } from '@journey/datagen';
import { compactCustomerCounts, rebuildCustomerProjection, scrubForgottenCustomer } from '@journey/projections';
import { ProjectionHarness } from '../support/projection-harness';
import { backends, createTestDatabase, type TestDatabase } from '../support/test-database';

/** The counts as the console reads them, and the same counted from the 360 by a scan. */
const SUMMED = `SELECT stage, tier, segment, recency, frequency, sum(customers)::int AS customers, sum(monetary)::int AS monetary
  FROM journey.customer_counts GROUP BY 1, 2, 3, 4, 5 HAVING sum(customers) <> 0 OR sum(monetary) <> 0 ORDER BY 1, 2, 3, 4, 5`;
const SCANNED = `SELECT stage, coalesce(tier, '') AS tier, coalesce(segment, '') AS segment, coalesce(rfm_recency, 0)::int AS recency, coalesce(rfm_frequency, 0)::int AS frequency,
  count(*)::int AS customers, coalesce(sum(rfm_monetary), 0)::int AS monetary
  FROM journey.customer_360 WHERE NOT forgotten GROUP BY 1, 2, 3, 4, 5 ORDER BY 1, 2, 3, 4, 5`;

describe.each(backends())('the customer counts on %s', (backend) => {
  let t: TestDatabase;
  let h: ProjectionHarness;

  const expectCountsToMatchAScan = async (): Promise<void> => {
    const summed = (await t.db.query(SUMMED)).rows.map((row) => ({ ...row, recency: Number(row.recency), frequency: Number(row.frequency) }));
    const scanned = (await t.db.query(SCANNED)).rows.map((row) => ({ ...row, recency: Number(row.recency), frequency: Number(row.frequency) }));
    expect(summed).toEqual(scanned);
  };

  beforeAll(async () => {
    t = await createTestDatabase(backend);
    h = new ProjectionHarness(t.db);
    h.now = new Date();
    h.start();
    for (const customer of dataset({ seed: 7, customers: 60, until: h.now, days: 400 }, h.now).customers()) {
      const byStream = new Map<string, (typeof customer.events)[number][]>();
      for (const event of customer.events) byStream.set(streamIdOf(event), [...(byStream.get(streamIdOf(event)) ?? []), event]);
      await h.store.appendMany([...byStream].map(([streamId, list]) => ({ streamId, events: list })));
    }
    await h.settle();
  }, 300_000);
  afterAll(async () => {
    await h.close();
    await t.drop();
  });

  it('equal a scan of the 360 as the projector inserts and updates rows', async () => {
    const { rows } = await t.db.query<{ n: number }>('SELECT count(*)::int AS n FROM journey.customer_360');
    expect(rows[0]!.n).toBeGreaterThan(0);
    await expectCountsToMatchAScan();
  });

  it('follow tiers and scores the RFM job sets, and the stages the lifecycle clock moves', async () => {
    await h.projector.runRfm();
    await h.settle();
    h.now = new Date(h.now.getTime() + 400 * 86_400_000);
    await h.projector.reviewLifecycles();
    await h.settle();
    const { rows } = await t.db.query<{ n: number }>("SELECT count(*)::int AS n FROM journey.customer_counts WHERE tier <> ''");
    expect(rows[0]!.n).toBeGreaterThan(0);
    await expectCountsToMatchAScan();
  });

  it('leave out a forgotten customer, and stay equal once folded together', async () => {
    const { rows } = await t.db.query<{ customer_id: string }>('SELECT customer_id FROM journey.customer_360 WHERE NOT forgotten ORDER BY customer_id LIMIT 1');
    await scrubForgottenCustomer(t.db, rows[0]!.customer_id);
    await expectCountsToMatchAScan();
    const before = (await t.db.query<{ n: number }>('SELECT count(*)::int AS n FROM journey.customer_counts')).rows[0]!.n;
    expect(await compactCustomerCounts(t.db)).toBe(before);
    const after = (await t.db.query<{ n: number }>('SELECT count(*)::int AS n FROM journey.customer_counts')).rows[0]!.n;
    expect(after).toBeLessThanOrEqual(before);
    await expectCountsToMatchAScan();
  });

  it('are counted afresh, and kept again, after a rebuild swaps a new 360 in', async () => {
    await rebuildCustomerProjection(t.db, h.store, { lifecycle: h.options.lifecycle, batchSize: 2000 });
    await expectCountsToMatchAScan();
    await t.db.query("UPDATE journey.customer_360 SET stage = 'churned' WHERE customer_id = (SELECT min(customer_id) FROM journey.customer_360 WHERE stage <> 'churned' AND NOT forgotten)");
    await expectCountsToMatchAScan();
  });
});
