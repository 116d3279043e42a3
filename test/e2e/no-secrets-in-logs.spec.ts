import { randomBytes, randomUUID } from 'node:crypto';
import { EngineProcess } from '../support/engine-process';
import { createTestDatabase, describeWithServer, type TestDatabase } from '../support/test-database';

describeWithServer('the engine log', () => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await createTestDatabase('postgres', 4);
  });
  afterAll(async () => {
    await t.drop();
  });

  it('never shows PII, API keys or secrets, even at trace level and on errors', async () => {
    const adminKey = `admin-${randomUUID()}-${randomUUID()}`;
    const secret = `whsec-${randomUUID()}`;
    const masterKey = randomBytes(32).toString('base64');
    const engine = new EngineProcess({
      DATABASE_URL: t.url!,
      LOG_LEVEL: 'trace',
      JOURNEY_ADMIN_KEY: adminKey,
      JOURNEY_WEBHOOK_SECRET: secret,
      JOURNEY_MASTER_KEY: masterKey,
    });
    await engine.start();
    const pii = { name: 'Grace Brewster Hopper', email: 'grace.hopper.7731@example.org', phone: '+15550107731' };
    const customerId = `c-${randomUUID().slice(0, 8)}`;
    const headers = engine.headers(true);
    try {
      const post = (body: unknown, extra: Record<string, string> = {}) =>
        fetch(`${engine.url}/v1/events`, { method: 'POST', headers: { ...headers, ...extra }, body: typeof body === 'string' ? body : JSON.stringify(body) });
      const registered = { eventId: randomUUID(), type: 'CustomerRegistered', customerId, occurredAt: new Date().toISOString(), source: 'crm', data: { name: pii.name, email: pii.email, country: 'US' } };
      expect((await post(registered)).status).toBe(202);
      expect((await post({ ...registered, eventId: randomUUID(), type: 'CustomerProfileUpdated', data: { phone: pii.phone } })).status).toBe(202);
      // Refused input carrying PII, a bad JSON body, a wrong key and a conflicting retry.
      expect((await post({ ...registered, eventId: randomUUID(), data: { ...registered.data, email: 42, shoe: pii.email } })).status).toBe(400);
      expect((await post(`{"email": "${pii.email}", `)).status).toBe(400);
      expect((await post(registered, { authorization: `Bearer ${adminKey}x` })).status).toBe(401);
      expect((await post({ ...registered, data: { ...registered.data, name: `${pii.name} II` } })).status).toBe(400);
      expect((await fetch(`${engine.url}/v1/customers/${customerId}`, { headers })).status).toBeLessThan(500);
      const made = await fetch(`${engine.url}/v1/keys`, { method: 'POST', headers, body: JSON.stringify({ role: 'marketing' }) });
      const { key } = (await made.json()) as { key: string };
      expect((await fetch(`${engine.url}/v1/analytics/value`, { headers: { authorization: `Bearer ${key}` } })).status).toBe(200);
      // The export carries the PII opened, and forgetting handles it: neither may echo it to the log.
      expect((await fetch(`${engine.url}/v1/customers/${customerId}/export`, { headers })).status).toBe(200);
      expect((await fetch(`${engine.url}/v1/customers/${customerId}/forget`, { method: 'POST', headers, body: JSON.stringify({ reason: 'erasure request' }) })).status).toBe(200);
    } finally {
      await engine.stop();
    }
    const log = engine.log;
    expect(log.length).toBeGreaterThan(0);
    for (const value of [pii.name, pii.email, pii.phone, 'grace.hopper', adminKey, secret, masterKey]) expect([value, log.includes(value)]).toEqual([value, false]);
    expect(/jrn_[0-9a-f]{12}_[A-Za-z0-9_-]{20,}/.test(log)).toBe(false);
  });
});
