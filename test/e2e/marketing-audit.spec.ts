import { randomUUID } from 'node:crypto';
import type { Database } from '@journey/database';
import { DATABASE } from '@journey/platform';
import { sampleEvent } from '../support/sample-events';
import { startEngine, type EngineUnderTest } from '../support/engine-app';
import { backends, createTestDatabase, type TestDatabase } from '../support/test-database';
import { until } from '../support/until';

const backend = backends()[0]!;

describe(`marketing lists, exports and the audit API on ${backend}`, () => {
  let t: TestDatabase | undefined;
  let engine: EngineUnderTest;
  let loadedAt = 0;
  const run = randomUUID().slice(0, 6);
  const country = 'IS';
  const ids = Array.from({ length: 240 }, (_, i) => `m${run}-${String(i).padStart(4, '0')}`);

  const post = async (events: unknown[]) => {
    const response = await engine.request({ method: 'POST', url: '/v1/events', body: { events } });
    expect(response.status).toBe(202);
  };
  const get = (url: string) => engine.request({ method: 'GET', url });
  const projected = () => until(async () => {
    const { rows } = await engine.app.get<Database>(DATABASE).query<{ n: number }>('SELECT count(*)::int AS n FROM journey.customer_360 WHERE country = $1', [country]);
    return rows[0]!.n >= ids.length ? true : undefined;
  }, 120_000, 'the projection');

  beforeAll(async () => {
    if (backend === 'postgres') t = await createTestDatabase('postgres', 6);
    engine = await startEngine(backend, t?.url, { JOURNEY_RATE_LIMITS: 'off', JOURNEY_FX_RATES: 'USD=0.92,JPY=0.0062,KWD=2.8' });
    const now = Date.now();
    loadedAt = now;
    for (let i = 0; i < ids.length; i += 80) {
      await post(
        ids.slice(i, i + 80).flatMap((customerId, j) => [
          sampleEvent('CustomerRegistered', { customerId, occurredAt: new Date(now - 1000).toISOString(), data: { name: `Customer ${customerId}`, email: `${customerId}@example.com`, country, city: (i + j) % 2 ? 'Reykjavik' : 'Akureyri' } }),
          // Every third buys twice (repeat), for 150.00 EUR each time.
          ...Array.from({ length: (i + j) % 3 === 0 ? 2 : 1 }, (_, k) =>
            sampleEvent('PurchaseCompleted', { customerId, occurredAt: new Date(now - 500 + k).toISOString(), data: { orderId: `o-${customerId}-${k}`, items: [{ sku: 'S', quantity: 1, unitPrice: 15000 }], total: 15000, currency: 'EUR' } }),
          ),
        ]),
      );
    }
    await projected();
  });
  afterAll(async () => {
    await engine.close();
    await t?.drop();
  });

  it('lists customers by filters, a keyset page at a time, each exactly once while ingest runs', async () => {
    let ingesting = true;
    const writer = (async () => {
      // Concurrent writes: more purchases for listed customers, and new customers of the country.
      for (let n = 0; ingesting; n++) {
        const customerId = ids[(n * 37) % ids.length]!;
        await post([
          sampleEvent('PageViewed', { customerId, occurredAt: new Date().toISOString() }),
          sampleEvent('CustomerRegistered', { customerId: `late-${run}-${n}`, occurredAt: new Date().toISOString(), data: { country } }),
        ]);
      }
    })();
    const seen: string[] = [];
    try {
      let after: string | null = '';
      while (after !== null) {
        const response = await get(`/v1/customers?country=${country}&limit=17${after ? `&after=${after}` : ''}`);
        expect(response.status).toBe(200);
        const page = response.json() as { customers: Array<{ customerId: string }>; next: string | null };
        seen.push(...page.customers.map((c) => c.customerId));
        after = page.next;
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
    } finally {
      ingesting = false;
      await writer;
    }
    const listed = seen.filter((id) => !id.startsWith('late-'));
    expect(listed).toEqual(ids);
    expect(new Set(seen).size).toBe(seen.length);
  });

  it('combines filters: stage, city, revenue, and refuses unknown ones naming the field', async () => {
    const repeat = (await get(`/v1/customers?country=${country}&stage=repeat&limit=1000`)).json() as { customers: Array<{ customerId: string; orders: number; netRevenue: number; stage: string }> };
    expect(repeat.customers.map((c) => c.customerId)).toEqual(ids.filter((_, i) => i % 3 === 0));
    expect(repeat.customers.every((c) => c.orders === 2 && c.netRevenue === 30000)).toBe(true);
    // A summary says what the customer's 360 says.
    const summary = repeat.customers[0] as unknown as Record<string, unknown>;
    const full = (await get(`/v1/customers/${String(summary.customerId)}`)).json() as {
      profile: Record<string, unknown>;
      commerce: { firstPurchaseAt: string; lastPurchaseAt: string };
      activity: { lastActivityAt: string | null };
      support: { openTickets: unknown[] };
      consent: Record<string, { granted: boolean }>;
      value: { rfm: { recency: number; frequency: number; monetary: number } | null };
    };
    expect(summary).toMatchObject({
      name: full.profile.name ?? null,
      email: full.profile.email ?? null,
      city: full.profile.city ?? null,
      firstPurchaseAt: full.commerce.firstPurchaseAt,
      lastPurchaseAt: full.commerce.lastPurchaseAt,
      lastActivityAt: full.activity.lastActivityAt,
      openTickets: full.support.openTickets.length,
      emailMarketing: full.consent['email:marketing']?.granted === true,
      rfm: full.value.rfm ? `${full.value.rfm.recency}${full.value.rfm.frequency}${full.value.rfm.monetary}` : null,
    });
    expect(summary.lastPurchaseAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    const rich = (await get(`/v1/customers?country=${country}&minRevenue=30000&city=reykjavik&limit=1000`)).json() as { customers: Array<{ customerId: string }> };
    expect(rich.customers.map((c) => c.customerId)).toEqual(ids.filter((_, i) => i % 3 === 0 && i % 2 === 1));
    // Several stages: one ordered scan per stage, merged, still in keyset pages.
    const both: string[] = [];
    for (let after: string | null = ''; after !== null; ) {
      const page = (await get(`/v1/customers?country=${country}&stage=first_time,repeat&limit=7${after ? `&after=${after}` : ''}`)).json() as {
        customers: Array<{ customerId: string }>;
        next: string | null;
      };
      both.push(...page.customers.map((c) => c.customerId));
      after = page.next;
    }
    expect(both).toEqual(ids);
    const csv = (await get(`/v1/exports/customers.csv?country=${country}&stage=repeat,first_time`)).body.trimEnd().split('\r\n').slice(1);
    expect(csv.map((line) => line.split(',')[0])).toEqual(ids);
    const bad = await get('/v1/customers?stage=happy&colour=red&limit=0');
    expect(bad.status).toBe(400);
    expect((bad.json() as { errors: Array<{ field: string }> }).errors.map((e) => e.field).sort()).toEqual(['colour', 'limit', 'stage']);
  });

  it('lists a customer once when a filter names a value twice', async () => {
    const listed = async (stages: string) =>
      ((await get(`/v1/customers?country=${country}&stage=${stages}&limit=1000`)).json() as { customers: Array<{ customerId: string }> }).customers.map((c) => c.customerId);
    expect(await listed('repeat,repeat')).toEqual(ids.filter((_, i) => i % 3 === 0));
    expect(await listed('first_time,repeat,first_time')).toEqual(ids);
    const csv = (await get(`/v1/exports/customers.csv?country=${country}&stage=repeat,repeat`)).body.trimEnd().split('\r\n').slice(1);
    expect(csv.map((line) => line.split(',')[0])).toEqual(ids.filter((_, i) => i % 3 === 0));
  });

  it('shows net revenue as the 360 does, and minRevenue keeps a customer from exactly the amount listed', async () => {
    const buyer = `fx${run}-1`;
    const refunded = `fx${run}-2`;
    const at = new Date(Date.now() - 1000).toISOString();
    const purchase = (customerId: string, total: number, currency: string) =>
      sampleEvent('PurchaseCompleted', { customerId, occurredAt: at, data: { orderId: `o-${customerId}`, items: [{ sku: 'S', quantity: 1, unitPrice: total }], total, currency } });
    const refund = (customerId: string, amount: number, currency: string) => sampleEvent('PurchaseRefunded', { customerId, occurredAt: at, data: { orderId: `r-${customerId}`, amount, currency } });
    await post([
      ...[buyer, refunded].map((customerId) => sampleEvent('CustomerRegistered', { customerId, occurredAt: at, data: { name: 'FX', email: `${customerId}@example.com`, country: 'LI' } })),
      // ¥10,001 is 6200.62 cents, 1.005 KWD 281.4 cents: each rounded on its own, 6201 − 281.
      purchase(buyer, 10_001, 'JPY'),
      refund(buyer, 1005, 'KWD'),
      // A refund in a currency the customer never bought in still counts: 5000 − 1000 × 0.92.
      purchase(refunded, 5000, 'EUR'),
      refund(refunded, 1000, 'USD'),
    ]);
    const net = async (customerId: string) => ((await get(`/v1/customers/${customerId}`)).json() as { commerce?: { refunds: number; base: { netRevenue: number } } }).commerce;
    const views = await until(async () => {
      const both = await Promise.all([net(buyer), net(refunded)]);
      return both.every((commerce) => commerce?.refunds === 1) ? both.map((commerce) => commerce!.base.netRevenue) : undefined;
    }, 120_000, 'the purchases and refunds in the 360');
    expect(views).toEqual([5920, 4080]);
    const listed = async (query = '') =>
      ((await get(`/v1/customers?country=LI&limit=100${query}`)).json() as { customers: Array<{ customerId: string; netRevenue: number }> }).customers.map((c) => [c.customerId, c.netRevenue]);
    expect(await listed()).toEqual([[buyer, 5920], [refunded, 4080]]);
    const csv = (await get('/v1/exports/customers.csv?country=LI')).body.trimEnd().split('\r\n').slice(1);
    expect(csv.map((line) => line.split(',')[10])).toEqual(['5920', '4080']);
    expect(await listed('&minRevenue=4080')).toEqual([[buyer, 5920], [refunded, 4080]]);
    expect(await listed('&minRevenue=4081')).toEqual([[buyer, 5920]]);
    expect(await listed('&minRevenue=5920')).toEqual([[buyer, 5920]]);
    expect(await listed('&minRevenue=5921')).toEqual([]);
  });

  it('exports the same filters as CSV, every matching customer once', async () => {
    const response = await get(`/v1/exports/customers.csv?country=${country}&stage=first_time`);
    expect(response.status).toBe(200);
    expect(response.headers['content-type']).toContain('text/csv');
    const lines = response.body.trimEnd().split('\r\n');
    expect(lines[0]).toBe('customerId,name,email,country,city,stage,tier,segment,rfm,orders,netRevenue,currency,firstPurchaseAt,lastPurchaseAt,lastActivityAt,openTickets,emailMarketing');
    const rows = lines.slice(1).map((line) => line.split(','));
    expect(rows.map((r) => r[0])).toEqual(ids.filter((_, i) => i % 3 !== 0));
    expect(rows[0]!.slice(2, 7)).toEqual([`${ids[1]}@example.com`, country, 'Reykjavik', 'first_time', '']);
  });

  it('counts the funnel and the retention cohorts', async () => {
    // The period's stage changes are kept by the weekly subscription: wait for it to have folded them.
    const funnel = await until(async () => {
      const read = (await get('/v1/analytics/funnel')).json() as { stages: Record<string, number>; transitions: Array<{ from: string; to: string; customers: number }> };
      const repeated = read.transitions.find((move) => move.from === 'first_time' && move.to === 'repeat');
      return repeated && repeated.customers >= ids.length / 3 ? read : undefined;
    }, 120_000, 'the stage changes in the funnel');
    expect(funnel.stages.repeat).toBeGreaterThanOrEqual(ids.length / 3);
    // A date as `to` includes that UTC day, as a segment's history does: the day of the purchases alone holds them.
    const day = new Date(loadedAt - 500).toISOString().slice(0, 10);
    const oneDay = (await get(`/v1/analytics/funnel?from=${day}&to=${day}`)).json() as { period: { to: string }; transitions: Array<{ from: string; to: string; customers: number }> };
    expect(oneDay.period.to).toBe(new Date(Date.parse(day) + 86_400_000).toISOString());
    expect(oneDay.transitions.find((move) => move.from === 'first_time' && move.to === 'repeat')?.customers).toBeGreaterThanOrEqual(ids.length / 3);
    const weekly = (await get(`/v1/analytics/weekly?from=${day}&to=${day}`)).json() as { sales: Array<{ currency: string; orders: number }> };
    expect(weekly.sales.find((row) => row.currency === 'EUR')?.orders).toBeGreaterThanOrEqual(ids.length);
    // Retention is read from counts its own subscription keeps: wait for it to have folded the purchases.
    const month = new Date().toISOString().slice(0, 7);
    const cohort = await until(async () => {
      const retention = (await get('/v1/analytics/retention')).json() as { cohorts: Array<{ month: string; customers: number; active: number[] }> };
      const found = retention.cohorts.find((c) => c.month === month);
      return found && found.customers >= ids.length ? found : undefined;
    }, 120_000, 'the retention counts');
    expect(cohort.customers).toBeGreaterThanOrEqual(ids.length);
  });

  it('serves the OpenAPI description at /docs', async () => {
    const response = await engine.request({ method: 'GET', url: '/docs/openapi.json', key: null });
    expect(response.status).toBe(200);
    const document = response.json() as { paths: Record<string, unknown> };
    expect(Object.keys(document.paths)).toEqual(expect.arrayContaining(['/v1/events', '/v1/customers', '/v1/audit/replay-check', '/v1/keys', '/v1/me', '/v1/analytics/weekly', '/v1/audit/replay-checks']));
  });

  it('verifies every stream, and the replay check finds no difference on a healthy store', async () => {
    const verify = (await get('/v1/audit/verify')).json() as { ok: boolean; streams: number };
    expect(verify.ok).toBe(true);
    expect(verify.streams).toBeGreaterThanOrEqual(ids.length);
    const check = await engine.request({ method: 'POST', url: '/v1/audit/replay-check' });
    expect(check.status).toBe(200);
    expect(check.json()).toMatchObject({ ok: true, differences: 0, first: [] });
  });

  it('runs the replay check as a job that answers at once and reports its progress, then its report', async () => {
    const started = await engine.request({ method: 'POST', url: '/v1/audit/replay-checks' });
    expect(started.status).toBe(202);
    const job = started.json() as { id: string; status: string; total: number };
    expect(job.total).toBeGreaterThan(0);
    const done = await until(async () => {
      const current = (await get(`/v1/audit/replay-checks/${job.id}`)).json() as { status: string; progress: number; report: { ok: boolean } | null };
      return current.status === 'running' ? undefined : current;
    }, 120_000, 'the replay-check job');
    expect(done).toMatchObject({ status: 'done', progress: 1, report: { ok: true, differences: 0 } });
    expect((await get('/v1/audit/replay-checks/no-such-job')).status).toBe(404);
    // The job is a row of journey.jobs: listed with the other long jobs, and kept across a restart of the API.
    expect(((await get('/v1/jobs?kind=replay-check')).json() as { jobs: Array<{ id: string; state: string }> }).jobs).toContainEqual(expect.objectContaining({ id: job.id, state: 'done' }));
    if (t) {
      await engine.close();
      engine = await startEngine(backend, t.url, { JOURNEY_RATE_LIMITS: 'off' });
      expect((await get(`/v1/audit/replay-checks/${job.id}`)).json()).toMatchObject({ id: job.id, status: 'done', report: { ok: true, differences: 0 } });
      expect(((await get('/v1/audit/replay-checks')).json() as { jobs: Array<{ id: string }> }).jobs.map((listed) => listed.id)).toContain(job.id);
    }
  });

  it('the replay check finds a read-model row changed by SQL, and names the column', async () => {
    const db = engine.app.get<Database>(DATABASE);
    await db.query('UPDATE journey.customer_360 SET orders = orders + 5 WHERE customer_id = $1', [ids[7]]);
    const report = (await engine.request({ method: 'POST', url: '/v1/audit/replay-check' })).json() as { ok: boolean; differences: number; first: unknown[] };
    expect(report.ok).toBe(false);
    expect(report.differences).toBe(1);
    expect(report.first).toEqual([{ table: 'customer_360', key: ids[7], kind: 'different', columns: ['orders'] }]);
  });
});
