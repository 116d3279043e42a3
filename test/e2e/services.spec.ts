import { randomUUID } from 'node:crypto';
import { EngineProcess } from '../support/engine-process';
import { createTestDatabase, describeWithServer, type TestDatabase } from '../support/test-database';

/**
 * The services deployed apart, each its own process on a port of its choosing (PORT=0), sharing
 * one PostgreSQL: ingest appends, the projector folds, the query service answers.
 */
describeWithServer('ingest, projector and query as separate processes', () => {
  let t: TestDatabase;
  const services: EngineProcess[] = [];

  beforeAll(async () => {
    t = await createTestDatabase('postgres', 2);
  });
  afterAll(async () => {
    await Promise.all(services.map((service) => service.stop()));
    await t.drop();
  });

  it('say where they listen, and a purchase posted to ingest shows in the 360 the query service serves', async () => {
    const env = { DATABASE_URL: t.url!, JOURNEY_RFM_INTERVAL_SECONDS: '0', JOURNEY_CLOCK_INTERVAL_SECONDS: '0' };
    const ingest = new EngineProcess(env, 'ingest');
    const projector = new EngineProcess(env, 'projector');
    const query = new EngineProcess(env, 'query');
    services.push(ingest, projector, query);
    // One at a time: the first applies the migrations the others then find done.
    for (const service of services) await service.start();
    expect(new Set(services.map((service) => service.port)).size).toBe(3);
    expect(services.every((service) => service.port > 0)).toBe(true);

    const customerId = `c-${randomUUID().slice(0, 8)}`;
    const posted = await fetch(`${ingest.url}/v1/events`, {
      method: 'POST',
      headers: ingest.headers(true),
      body: JSON.stringify({
        eventId: randomUUID(),
        type: 'PurchaseCompleted',
        customerId,
        occurredAt: new Date().toISOString(),
        source: 'shop',
        data: { orderId: 'o-1', items: [{ sku: 'SKU-1', category: 'shoes', quantity: 1, unitPrice: 8999 }], total: 8999, currency: 'EUR' },
      }),
    });
    expect(posted.status).toBe(202);

    let profile: { commerce?: { orders: number }; lifecycle?: { stage: string } } = {};
    for (let waited = 0; profile.commerce?.orders !== 1 && waited < 20_000; waited += 100) {
      const response = await fetch(`${query.url}/v1/customers/${customerId}`, { headers: query.headers() });
      if (response.status === 200) profile = (await response.json()) as typeof profile;
      else await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(profile).toMatchObject({ commerce: { orders: 1 }, lifecycle: { stage: 'first_time' } });
  });
});
