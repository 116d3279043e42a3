import { randomUUID } from 'node:crypto';
import { streamIdOf, type JourneyEvent } from '@journey/contracts';
import { seededRandom } from '@journey/predictions';
import { computeRecommendations, predictionsOf, rebuildCustomerItems } from '@journey/projections';
import { customerEvent, ProjectionHarness } from '../support/projection-harness';
import { backends, createTestDatabase, type TestDatabase } from '../support/test-database';
import { until } from '../support/until';

const DAY = 86_400_000;
const NOW = Date.parse('2026-06-01T00:00:00Z');
const daysAgo = (days: number) => new Date(NOW - days * DAY).toISOString();
const WAIT_MS = 60_000;

describe.each(backends())('recommendations kept current by the customer-items fold on %s', (backend) => {
  let t: TestDatabase;
  let h: ProjectionHarness;
  const prefix = `r${randomUUID().slice(0, 6)}`;
  const id = (name: string | number) => `${prefix}-${name}`;
  const random = seededRandom(21);
  const order = (customer: string, at: string, ...skus: string[]): JourneyEvent =>
    customerEvent('PurchaseCompleted', { customerId: customer }, at, {
      orderId: `o-${randomUUID().slice(0, 8)}`,
      items: skus.map((sku) => ({ sku, quantity: 1, unitPrice: 1000 })),
      total: 1000 * skus.length,
      currency: 'EUR',
    });
  const view = (customer: string, at: string, sku: string): JourneyEvent => customerEvent('ProductViewed', { customerId: customer }, at, { sku });
  /** A shop of 8 tastes of 6 products; each customer keeps to one taste, one pick in ten a stray. */
  const pick = (taste: number) => (random() < 0.1 ? `P${Math.floor(random() * 48)}` : `P${taste * 6 + Math.floor(random() * random() * 6)}`);
  const CUSTOMERS = 60;
  const tasteOf = (c: number) => c % 8;
  const publishTogether = (events: JourneyEvent[]) => h.store.appendMany(events.map((event) => ({ streamId: streamIdOf(event), events: [event] })));
  const recommendationsOf = async (customer: string) => (await predictionsOf(t.db, customer))?.recommendations;
  const rows = async (sql: string) => JSON.stringify((await t.db.query(sql)).rows);
  const dump = async () => ({
    items: await rows('SELECT * FROM journey.customer_items ORDER BY customer_id, sku'),
    pairs: await rows('SELECT * FROM journey.item_pairs ORDER BY sku_a, sku_b'),
    stats: await rows('SELECT * FROM journey.item_stats ORDER BY sku'),
  });

  beforeAll(async () => {
    t = await createTestDatabase(backend);
    h = new ProjectionHarness(t.db);
    h.now = new Date(NOW);
    h.start();
    const events: JourneyEvent[] = [];
    for (let c = 0; c < CUSTOMERS; c++) {
      for (let k = 0; k < 3; k++) events.push(order(id(c), daysAgo(90 - 20 * k - (c % 10)), pick(tasteOf(c)), pick(tasteOf(c))));
      events.push(view(id(c), daysAgo(10), pick(tasteOf(c))));
    }
    // OLD goes with P0 but nobody bought or viewed it within the catalogue window.
    for (let c = 0; c < 6; c++) events.push(order(id(`old${c}`), daysAgo(400), 'OLD', 'P0', 'P1'));
    // ann owns P0 only; NEW and P0 are bought together, as are NEW and P2.
    events.push(order(id('ann'), daysAgo(60), 'P0'));
    for (let c = 0; c < 4; c++) events.push(order(id(`pair${c}`), daysAgo(30), 'NEW', 'P0', 'P2'));
    await publishTogether(events);
    await h.settle();
    await h.projector.runPredictions('test');
  }, 300_000);
  afterAll(async () => {
    await h.close();
    await t.drop();
  });

  it("refreshes a buyer's top five within the pass, leaving out what they own and what is outside the catalogue window", async () => {
    const before = await recommendationsOf(id('ann'));
    expect(before).toContain('NEW');
    expect(before).not.toContain('P0');
    expect(before).not.toContain('OLD');

    await h.publish(order(id('ann'), daysAgo(1), 'NEW'));
    const after = await until(
      async () => {
        const recs = await recommendationsOf(id('ann'));
        return recs && !recs.includes('NEW') ? recs : undefined;
      },
      WAIT_MS,
      "ann's top five without NEW",
    );
    expect(after).toHaveLength(5);
    expect(after).toContain('P2');
    expect(after).not.toContain('P0');
    expect(after).not.toContain('OLD');
  });

  it('gives, after a stream of orders and views, the top five the scheduled full refresh computes', async () => {
    const stream: JourneyEvent[] = [];
    for (let n = 0; n < 400; n++) {
      const c = Math.floor(random() * CUSTOMERS);
      stream.push(random() < 0.4 ? view(id(c), daysAgo(5), pick(tasteOf(c))) : order(id(c), daysAgo(5), pick(tasteOf(c))));
    }
    // A heavy buyer: past the paired items, what they buy pairs with nothing.
    stream.push(order(id(0), daysAgo(4), ...Array.from({ length: 110 }, (_, k) => `BULK${k}`)));
    stream.push(order(id(0), daysAgo(3), 'P7'));
    // An order that names only what was paid touches no item.
    stream.push(order(id(3), daysAgo(4)));
    // A forgotten buyer's part is taken out of the sums.
    stream.push(customerEvent('CustomerForgotten', { customerId: id(1) }, daysAgo(3)));
    for (const event of stream) await h.publish(event);
    await h.settle();

    // One closing order each, folded in one batch: every top five then reads the final sums.
    const closing = Array.from({ length: 30 }, (_, k) => k + 2);
    await publishTogether(closing.map((c) => order(id(c), daysAgo(2), pick(tasteOf(c)))));
    await h.settle();

    const batch = await computeRecommendations(t.db, { catalogueWindowDays: h.options.predictions.catalogueWindowDays }, h.now);
    let compared = 0;
    for (const c of closing) {
      const live = await recommendationsOf(id(c));
      expect({ customer: c, top: live }).toEqual({ customer: c, top: batch.of(id(c)) });
      compared += live!.length > 0 ? 1 : 0;
    }
    expect(compared).toBe(closing.length);
    const { rows: forgotten } = await t.db.query('SELECT 1 FROM journey.customer_items WHERE customer_id = $1', [id(1)]);
    expect(forgotten).toHaveLength(0);
  }, 300_000);

  it('numbers the items of a customer who has viewed more than the paired ones in the order they first came', async () => {
    const viewer = id('viewer');
    await publishTogether(Array.from({ length: 105 }, (_, k) => view(viewer, daysAgo(4), `V${k}`)));
    await h.settle();
    // Later: a product viewed before, past the paired ones; a new one; a purchase.
    await publishTogether([view(viewer, daysAgo(3), 'V103'), view(viewer, daysAgo(3), 'V999'), order(viewer, daysAgo(3), 'P3')]);
    await h.settle();
    const { rows: items } = await t.db.query<{ sku: string; ordinal: number; views: number; purchases: number }>(
      'SELECT sku, ordinal, views, purchases FROM journey.customer_items WHERE customer_id = $1 ORDER BY ordinal',
      [viewer],
    );
    expect(items.map((item) => item.ordinal)).toEqual(Array.from({ length: 107 }, (_, k) => k + 1));
    expect(items.slice(-2).map((item) => item.sku)).toEqual(['V999', 'P3']);
    expect(items.find((item) => item.sku === 'V103')).toMatchObject({ ordinal: 104, views: 2 });
  });

  it('rebuilds the items and the similarity sums from the log equal to the live fold, row by row', async () => {
    const live = await dump();
    expect(JSON.parse(live.pairs).length).toBeGreaterThan(100);
    const report = await rebuildCustomerItems(t.db, h.store, { batchSize: 300 });
    expect(report.events).toBeGreaterThan(500);
    expect(await dump()).toEqual(live);

    // The live fold goes on over the swapped-in tables.
    await h.publish(order(id('ann'), daysAgo(0), 'P5'));
    await until(
      async () => ((await t.db.query('SELECT 1 FROM journey.customer_items WHERE customer_id = $1 AND sku = $2', [id('ann'), 'P5'])).rows.length > 0 ? true : undefined),
      WAIT_MS,
      "ann's P5 in the rebuilt items",
    );
  }, 300_000);
});
