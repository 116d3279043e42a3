import { randomUUID } from 'node:crypto';
import { CUSTOMER_STREAM_PREFIX, PURCHASE_MODEL_STREAM } from '@journey/contracts';
import { seededRandom } from '@journey/predictions';
import { latestForecast, predictionsOf, runPredictions, SegmentStore } from '@journey/projections';
import { memberOf } from '@journey/domain';
import { customerEvent, ProjectionHarness, purchase } from '../support/projection-harness';
import { backends, createTestDatabase, type TestDatabase } from '../support/test-database';

const DAY = 86_400_000;
const NOW = Date.parse('2026-06-01T00:00:00Z');
const daysAgo = (days: number) => new Date(NOW - days * DAY).toISOString();

describe.each(backends())('the prediction job on %s', (backend) => {
  let t: TestDatabase;
  let h: ProjectionHarness;
  const prefix = `p${randomUUID().slice(0, 6)}`;
  const id = (name: string) => `${prefix}-${name}`;

  beforeAll(async () => {
    t = await createTestDatabase(backend);
    h = new ProjectionHarness(t.db);
    h.start();
    h.now = new Date(NOW);
    const random = seededRandom(5);
    const events = [];
    // A background population for the fit: first purchases over two years, a few repeats each.
    for (let i = 0; i < 80; i++) {
      const first = 30 + Math.floor(random() * 700);
      events.push(purchase(id(`bg${i}`), daysAgo(first), 2000 + Math.floor(random() * 8000)));
      const repeats = Math.floor(random() * 4);
      for (let k = 1; k <= repeats; k++) events.push(purchase(id(`bg${i}`), daysAgo(Math.max(0, first - k * Math.floor(10 + random() * 60))), 3000));
    }
    // loyal: every two weeks for a year, up to yesterday; gone: ten weekly orders a year and a half ago; once: one order.
    for (let d = 365; d >= 1; d -= 14) events.push(purchase(id('loyal'), daysAgo(d), 5000));
    for (let w = 0; w < 10; w++) events.push(purchase(id('gone'), daysAgo(540 - 7 * w), 5000));
    events.push(purchase(id('once'), daysAgo(100), 4000));
    // Baskets for the recommendations: A goes with B; OLD was last bought long ago (outside the window).
    const basket = (name: string, days: number, ...skus: string[]) =>
      customerEvent('PurchaseCompleted', { customerId: id(name) }, daysAgo(days), {
        orderId: `o-${name}-${days}`,
        items: skus.map((sku) => ({ sku, quantity: 1, unitPrice: 1000 })),
        total: 1000 * skus.length,
        currency: 'EUR',
      });
    events.push(basket('ann', 50, 'SKU-A'), basket('ann', 40, 'SKU-B'), basket('ben', 45, 'SKU-A', 'SKU-B'), basket('cal', 20, 'SKU-A'), basket('dot', 400, 'SKU-OLD', 'SKU-A'));
    events.push(customerEvent('ProductViewed', { customerId: id('cal') }, daysAgo(19), { sku: 'SKU-C' }));
    await h.publish(...events);
    await h.settle();
  });
  afterAll(async () => {
    await h.close();
    await t.drop();
  });

  it('fits, records the fit as a ModelFitted event, and scores every buyer under its id', async () => {
    // A segment on the scores: the run brings its customers' segment review forward, and the clock judges them.
    const atRisk = (await SegmentStore.save(t.db, { id: id('at-risk'), name: 'High churn risk', conditions: { field: 'churnBand', op: 'eq', value: 'high' } }, { create: true })).record.segment;
    const report = await h.projector.runPredictions('test');
    expect(report.customers).toBe(87);
    const [fitted] = await h.store.readStream(PURCHASE_MODEL_STREAM, { backward: true, limit: 1 });
    expect(fitted).toMatchObject({ type: 'ModelFitted', data: { fitId: report.fitId, model: 'bg-nbd/gamma-gamma', timeUnit: 'week', currency: 'EUR', trigger: 'test' } });
    const data = fitted!.data as { bgNbd: { r: number; logLikelihood: number; customers: number }; window: { to: string } };
    expect(data.bgNbd.customers).toBe(87);
    expect(data.bgNbd.r).toBeGreaterThan(0);
    expect(data.bgNbd.logLikelihood).toBeLessThan(0);
    expect(data.window.to).toBe(new Date(NOW).toISOString());

    const loyal = await predictionsOf(t.db, id('loyal'));
    const gone = await predictionsOf(t.db, id('gone'));
    const once = await predictionsOf(t.db, id('once'));
    expect(loyal).toMatchObject({ fitId: report.fitId, churnBand: 'low', currency: 'EUR' });
    expect(gone).toMatchObject({ fitId: report.fitId, churnBand: 'high' });
    expect(gone!.pAlive).toBeLessThan(0.4);
    expect(loyal!.pAlive).toBeGreaterThan(0.8);
    // BG/NBD: no repeat purchase, no drop-out yet.
    expect(once!.pAlive).toBe(1);
    expect(loyal!.expectedPurchases30d).toBeGreaterThan(gone!.expectedPurchases30d);
    expect(loyal!.expectedPurchases365d).toBeGreaterThan(loyal!.expectedPurchases90d);
    expect(loyal!.clv).toBeGreaterThan(gone!.clv);
    expect(loyal!.expectedAov).toBeGreaterThan(0);

    await h.projector.reviewSegments(new Date(NOW + 1000));
    expect(memberOf((await h.customer(id('gone')))!.segments)).toEqual([atRisk.id]);
    expect(memberOf((await h.customer(id('loyal')))!.segments)).toEqual([]);
    await SegmentStore.archive(t.db, atRisk.id);
  });

  it('recommends what was bought together, leaving out what the customer owns and what is outside the catalogue window', async () => {
    const cal = await predictionsOf(t.db, id('cal'));
    expect(cal!.recommendations[0]).toBe('SKU-B');
    expect(cal!.recommendations).not.toContain('SKU-A');
    expect(cal!.recommendations).not.toContain('SKU-OLD');
    expect(cal!.recommendations.length).toBeLessThanOrEqual(5);
    // Everyone bought SKU-1 but the basket customers: it fills the list as the window's most popular.
    expect(cal!.recommendations).toContain('SKU-1');
    const loyal = await predictionsOf(t.db, id('loyal'));
    expect(loyal!.recommendations).not.toContain('SKU-1');
  });

  it("stores the fit's 52-week forecast and its backtest on the shop's own history beside the naive baseline", async () => {
    const latest = await latestForecast(t.db);
    expect(latest!.forecast.weeks).toHaveLength(52);
    expect(latest!.forecast.weeks[0]!.weekStarting).toBe(new Date(NOW).toISOString());
    for (const week of latest!.forecast.weeks) {
      expect(week.orders).toBeCloseTo(week.existingCustomerOrders + week.newCustomerOrders, 1);
      expect(week.revenue).toBeGreaterThanOrEqual(0);
    }
    const backtest = latest!.backtest!;
    expect(backtest.holdoutWeeks).toBe(13);
    expect(backtest.cutoff).toBe(new Date(NOW - 13 * 7 * DAY).toISOString());
    const actual = backtest.weeks.reduce((sum, w) => sum + w.actualOrders, 0);
    // The loyal customer's fortnightly orders and the background's repeats fall in the holdout.
    expect(actual).toBeGreaterThan(5);
    expect(backtest.model.orders.totalError).toBeGreaterThanOrEqual(0);
    expect(backtest.naive.orders.perWeek).toHaveLength(13);
  });

  it('records each run asked for as a fit of its own, even two in one slot of the schedule: its rows name the ModelFitted that scored them', async () => {
    const first = (await predictionsOf(t.db, id('loyal')))!.fitId;
    h.now = new Date(NOW + 30_000); // the harness's slots are minutes
    const again = await h.projector.runPredictions('api');
    expect(again.fitId).not.toBe(first);
    expect((await predictionsOf(t.db, id('loyal')))!.fitId).toBe(again.fitId);
    const facts = (await h.store.readStream(PURCHASE_MODEL_STREAM)).filter((e) => (e.data as { fitId: string }).fitId === again.fitId);
    expect(facts.map((e) => e.data)).toEqual([expect.objectContaining({ trigger: 'api', bgNbd: again.params, window: expect.objectContaining({ to: h.now.toISOString() }) })]);
  });

  it('refuses to score under a fit whose id names another fact: a second run at the same instant fails and leaves the rows as they were', async () => {
    const before = (await predictionsOf(t.db, id('loyal')))!.fitId;
    await expect(h.projector.runPredictions('cli')).rejects.toMatchObject({ type: 'prediction-append-refused', eventId: before });
    expect((await predictionsOf(t.db, id('loyal')))!.fitId).toBe(before);
  });

  it('appends ChurnRiskChanged when a band moves (a first band is no change), once per move', async () => {
    const events = async (name: string) =>
      (await h.store.readStream(CUSTOMER_STREAM_PREFIX + id(name))).filter((e) => e.type === 'ChurnRiskChanged');
    expect(await events('gone')).toHaveLength(0);
    expect(await events('loyal')).toHaveLength(0);
    h.now = new Date(NOW + 60_000);
    const again = await h.projector.runPredictions('test');
    expect(again.bandChanges).toBe(0);

    // Half a year on, the loyal customer has not come back.
    h.now = new Date(NOW + 180 * DAY);
    const later = await h.projector.runPredictions('test');
    expect(later.fitId).not.toBe(again.fitId);
    const loyal = await predictionsOf(t.db, id('loyal'));
    expect(loyal!.churnBand).not.toBe('low');
    const changed = await events('loyal');
    expect(changed).toHaveLength(1);
    expect(changed[0]!.data).toMatchObject({ from: 'low', to: loyal!.churnBand, fitId: later.fitId });
    // A run after it finds the band already moved: no second event.
    h.now = new Date(NOW + 180 * DAY + 60_000);
    expect((await h.projector.runPredictions('test')).bandChanges).toBe(0);
    expect(await events('loyal')).toHaveLength(1);
    // gone stayed high: no event.
    expect(await events('gone')).toHaveLength(0);
    expect(await h.store.readStream(PURCHASE_MODEL_STREAM)).toHaveLength(5);
  });

  it('names a scheduled run by its slot: of the processes running the schedule at once, only the first scores', async () => {
    const slotMs = h.options.predictions.intervalMs || 60_000;
    const start = Math.ceil((NOW + 3_600_000) / slotMs) * slotMs;
    const first = await runPredictions(t.db, h.store, { ...h.options.predictions, rates: h.options.rates, trigger: 'schedule', slotMs }, new Date(start + 1_000));
    // Another process's schedule, a moment later in the same slot: its fit is refused, nothing scored under it.
    await expect(runPredictions(t.db, h.store, { ...h.options.predictions, rates: h.options.rates, trigger: 'schedule', slotMs }, new Date(start + 2_000))).rejects.toMatchObject({
      type: 'prediction-append-refused',
      eventId: first.fitId,
    });
    expect((await predictionsOf(t.db, id('loyal')))!.fitId).toBe(first.fitId);
  });
});
