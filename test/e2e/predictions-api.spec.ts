import { randomUUID } from 'node:crypto';
import type { Database } from '@journey/database';
import { DATABASE } from '@journey/platform';
import { sampleEvent } from '../support/sample-events';
import { startEngine, type EngineUnderTest } from '../support/engine-app';
import { backends, createTestDatabase, type TestDatabase } from '../support/test-database';
import { until } from '../support/until';

const backend = backends()[0]!;
const DAY = 86_400_000;

describe(`the predictions over HTTP on ${backend}`, () => {
  let t: TestDatabase | undefined;
  let engine: EngineUnderTest;
  const run = randomUUID().slice(0, 6);
  const ids = Array.from({ length: 40 }, (_, i) => `pr${run}-${String(i).padStart(3, '0')}`);
  const get = (url: string) => engine.request({ method: 'GET', url });

  beforeAll(async () => {
    if (backend === 'postgres') t = await createTestDatabase('postgres', 6);
    engine = await startEngine(backend, t?.url, { JOURNEY_RATE_LIMITS: 'off' });
    const now = Date.now();
    // Each customer first orders 70 + 9i days ago, and some of them again every 20 days.
    const events = ids.flatMap((customerId, i) =>
      Array.from({ length: 1 + (i % 4) }, (_, k) =>
        sampleEvent('PurchaseCompleted', {
          customerId,
          occurredAt: new Date(now - (i * 9 + 70) * DAY + k * 20 * DAY).toISOString(),
          data: { orderId: `o-${customerId}-${k}`, items: [{ sku: `S${(i + k) % 5}`, quantity: 1, unitPrice: 4000 + 100 * i }], total: 4000 + 100 * i, currency: 'EUR' },
        }),
      ),
    );
    const response = await engine.request({ method: 'POST', url: '/v1/events', body: { events } });
    expect(response.status).toBe(202);
    await until(async () => {
      const db = engine.app.get<Database>(DATABASE);
      const { rows } = await db.query<{ n: number }>("SELECT count(*)::int AS n FROM journey.customer_360 WHERE customer_id LIKE $1 AND orders > 0", [`pr${run}-%`]);
      const { rows: items } = await db.query<{ n: number }>("SELECT count(DISTINCT customer_id)::int AS n FROM journey.customer_items WHERE customer_id LIKE $1", [`pr${run}-%`]);
      return rows[0]!.n >= ids.length && items[0]!.n >= ids.length ? true : undefined;
    }, 120_000, 'the projections');
  });
  afterAll(async () => {
    await engine.close();
    await t?.drop();
  });

  it('answers a forecast before any fit with a problem that says what to do', async () => {
    const response = await get('/v1/analytics/forecast');
    expect(response.status).toBe(404);
    expect(response.headers['content-type']).toContain('application/problem+json');
    expect(JSON.stringify(response.json())).toContain('predict fit');
  });

  it('fits on demand, then serves the model, the 360 with its predictions and the 13- and 52-week forecast', async () => {
    const fit = await engine.request({ method: 'POST', url: '/v1/predictions/fit' });
    expect(fit.status).toBe(200);
    const report = fit.json() as { fitId: string; customers: number };
    expect(report.customers).toBeGreaterThanOrEqual(ids.length);

    const model = (await get('/v1/predictions/model')).json() as { type: string; streamId: string; data: { fitId: string; bgNbd: { r: number } } };
    expect(model).toMatchObject({ type: 'ModelFitted', streamId: 'model-purchase', data: { fitId: report.fitId } });

    const customer = (await get(`/v1/customers/${ids[12]}`)).json() as { predictions: { fitId: string; pAlive: number; churnBand: string; clv: number; recommendations: string[] } };
    expect(customer.predictions).toMatchObject({ fitId: report.fitId, currency: 'EUR' });
    expect(customer.predictions.pAlive).toBeGreaterThan(0);
    expect(['low', 'medium', 'high']).toContain(customer.predictions.churnBand);
    expect(customer.predictions.recommendations.length).toBeGreaterThan(0);

    const quarter = (await get('/v1/analytics/forecast')).json() as { fitId: string; weeks: number; forecast: unknown[]; totals: { orders: number } };
    expect(quarter).toMatchObject({ fitId: report.fitId, weeks: 13 });
    expect(quarter.forecast).toHaveLength(13);
    expect(quarter.totals.orders).toBeGreaterThan(0);
    const year = (await get('/v1/analytics/forecast?weeks=52')).json() as { forecast: unknown[]; backtest: unknown };
    expect(year.forecast).toHaveLength(52);
    expect(year).toHaveProperty('backtest');
  });

  it('refuses a horizon other than 13 or 52 weeks, naming the field', async () => {
    const response = await get('/v1/analytics/forecast?weeks=7');
    expect(response.status).toBe(400);
    expect(response.json()).toMatchObject({ errors: [{ field: 'weeks', reason: 'must be 13 or 52' }] });
  });
});
