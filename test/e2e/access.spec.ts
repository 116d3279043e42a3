import { randomUUID } from 'node:crypto';
import type { Database } from '@journey/database';
import { API_KEYS, DATABASE, type ApiKeyStore, type Role } from '@journey/platform';
import { sampleEvent } from '../support/sample-events';
import { startEngine, TEST_ADMIN_KEY, type EngineUnderTest } from '../support/engine-app';
import { backends, createTestDatabase, type TestDatabase } from '../support/test-database';
import { until } from '../support/until';

type Method = 'GET' | 'POST' | 'PUT' | 'DELETE';
interface Route {
  readonly method: Method;
  readonly url: string;
  readonly body?: () => unknown;
  /** The roles admitted besides admin. */
  readonly roles: readonly Role[];
}

const backend = backends()[0]!;

describe(`API keys, roles and the access log on ${backend}`, () => {
  let t: TestDatabase | undefined;
  let engine: EngineUnderTest;
  const keys = new Map<Role, string>();
  let revoked: string;
  const customerId = `c-${randomUUID().slice(0, 8)}`;

  const ROUTES: Route[] = [
    { method: 'POST', url: '/v1/events', body: () => sampleEvent('PageViewed', { customerId, occurredAt: new Date().toISOString() }), roles: ['ingest'] },
    { method: 'POST', url: '/v1/track', body: () => ({ messageId: randomUUID(), anonymousId: `v-${customerId}`, event: 'Access Checked' }), roles: ['ingest'] },
    { method: 'GET', url: `/v1/customers/${customerId}`, roles: ['marketing'] },
    { method: 'GET', url: '/v1/customers?stage=first_time&limit=10', roles: ['marketing'] },
    { method: 'GET', url: '/v1/exports/customers.csv?country=GB', roles: ['marketing'] },
    { method: 'GET', url: '/v1/analytics/funnel', roles: ['marketing'] },
    { method: 'GET', url: '/v1/analytics/value', roles: ['marketing'] },
    { method: 'GET', url: '/v1/analytics/retention', roles: ['marketing'] },
    { method: 'GET', url: '/v1/analytics/campaigns', roles: ['marketing'] },
    { method: 'GET', url: '/v1/rules', roles: ['marketing'] },
    { method: 'GET', url: '/v1/rules/results', roles: ['marketing'] },
    { method: 'GET', url: '/v1/dead-letters?limit=10', roles: ['ingest'] },
    { method: 'GET', url: `/v1/streams/customer-${customerId}/events`, roles: ['auditor'] },
    { method: 'GET', url: `/v1/audit/verify/customer-${customerId}`, roles: ['auditor'] },
    { method: 'GET', url: '/v1/audit/verify', roles: ['auditor'] },
    { method: 'GET', url: `/v1/audit/customers/${customerId}/as-of?at=${encodeURIComponent(new Date(Date.now() + 3_600_000).toISOString())}`, roles: ['auditor'] },
    { method: 'POST', url: '/v1/audit/replay-check', roles: ['auditor'] },
    { method: 'GET', url: '/v1/audit/access-log?limit=5', roles: ['auditor'] },
    { method: 'GET', url: '/v1/keys', roles: [] },
    { method: 'POST', url: '/v1/keys', body: () => ({ role: 'ingest', name: 'made in the matrix' }), roles: [] },
    { method: 'GET', url: '/metrics', roles: [] },
    { method: 'GET', url: `/v1/customers/${customerId}/export`, roles: [] },
    // (another customer: this one's data must stay for the other routes)
    { method: 'POST', url: `/v1/customers/c-forgotten-${customerId}/forget`, roles: [] },
  ];

  beforeAll(async () => {
    if (backend === 'postgres') t = await createTestDatabase('postgres', 4);
    engine = await startEngine(backend, t?.url, { JOURNEY_RATE_LIMITS: 'marketing=1000/1s,unauthenticated=100000/1s' });
    const store = engine.app.get<ApiKeyStore>(API_KEYS);
    for (const role of ['ingest', 'marketing', 'auditor', 'admin'] as const) keys.set(role, (await store.create(role, `${role} under test`)).key);
    const gone = await store.create('marketing', 'revoked under test');
    await store.revoke(gone.apiKey.id);
    revoked = gone.key;
    const first = sampleEvent('CustomerRegistered', { customerId, occurredAt: new Date().toISOString() });
    const purchase = sampleEvent('PurchaseCompleted', { customerId, occurredAt: new Date().toISOString() });
    expect((await engine.request({ method: 'POST', url: '/v1/events', body: { events: [first, purchase] } })).status).toBe(202);
    await until(async () => ((await engine.request({ method: 'GET', url: `/v1/customers/${customerId}` })).status === 200 ? true : undefined), 120_000, 'the projection');
  });
  afterAll(async () => {
    await engine.close();
    await t?.drop();
  });

  const call = (route: Route, key: string | null) => engine.request({ method: route.method, url: route.url, body: route.body?.(), key });

  it.each(ROUTES.map((route) => [`${route.method} ${route.url.split('?')[0]}`, route] as const))('%s: 401 without a key or with a revoked one, 403 outside its roles, 2xx inside', async (_name, route) => {
    const none = await call(route, null);
    expect(none.status).toBe(401);
    expect(none.headers['content-type']).toContain('application/problem+json');
    expect(none.headers['www-authenticate']).toContain('Bearer');
    expect((await call(route, 'not-a-key-at-all-but-long-enough')).status).toBe(401);
    expect((await call(route, revoked)).status).toBe(401);
    for (const role of ['ingest', 'marketing', 'auditor', 'admin'] as const) {
      const response = await call(route, keys.get(role)!);
      const admitted = role === 'admin' || route.roles.includes(role);
      expect([role, admitted ? Math.floor(response.status / 100) * 100 : response.status]).toEqual([role, admitted ? 200 : 403]);
    }
  });

  it('keeps /health open', async () => {
    expect((await engine.request({ method: 'GET', url: '/health', key: null })).status).toBe(200);
  });

  it('stops accepting a key as soon as it is revoked over the API', async () => {
    const made = await engine.request({ method: 'POST', url: '/v1/keys', body: { role: 'marketing', name: 'short-lived' } });
    expect(made.status).toBe(201);
    const { key, apiKey } = made.json() as { key: string; apiKey: { id: string } };
    expect((await engine.request({ method: 'GET', url: '/v1/analytics/value', key })).status).toBe(200);
    expect((await engine.request({ method: 'DELETE', url: `/v1/keys/${apiKey.id}` })).status).toBe(204);
    expect((await engine.request({ method: 'GET', url: '/v1/analytics/value', key })).status).toBe(401);
    const listed = (await engine.request({ method: 'GET', url: '/v1/keys' })).json() as { keys: Array<{ id: string; revokedAt: string | null }> };
    expect(listed.keys.find((k) => k.id === apiKey.id)?.revokedAt).toEqual(expect.any(String));
    // Only a hash is stored: the key's secret (after jrn_<id>_; base64url, so it may hold '_'
    // itself) appears nowhere in the table.
    const secret = /^jrn_[0-9a-f]+_(.+)$/.exec(key)?.[1];
    expect(secret).toHaveLength(43);
    const { rows } = await engine.app.get<Database>(DATABASE).query<{ row: string }>('SELECT row_to_json(k)::text AS row FROM journey.api_keys k');
    expect(rows.some((row) => row.row.includes(secret!))).toBe(false);
  });

  it('logs every request with its key, route, filters and result, for auditors', async () => {
    const marketing = keys.get('marketing')!;
    await engine.request({ method: 'GET', url: '/v1/customers?country=GB&stage=first_time', key: marketing });
    await engine.request({ method: 'GET', url: '/v1/audit/verify', key: marketing });
    const page = await engine.request({ method: 'GET', url: '/v1/audit/access-log?limit=1000', key: keys.get('auditor')! });
    expect(page.status).toBe(200);
    const { entries } = page.json() as { entries: Array<{ keyId: string | null; role: string | null; route: string; filters: Record<string, string>; status: number }> };
    expect(entries).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ role: 'marketing', route: '/v1/customers', filters: { country: 'GB', stage: 'first_time' }, status: 200 }),
        expect.objectContaining({ role: 'marketing', route: '/v1/audit/verify', status: 403 }),
        expect.objectContaining({ keyId: null, status: 401 }),
      ]),
    );
  });

  it('limits each key to its rate and answers 429 beyond it', async () => {
    const limited = await startEngine(backend, t?.url, { JOURNEY_RATE_LIMITS: 'marketing=3/1m' });
    try {
      const key = keys.get('marketing')!;
      const statuses: number[] = [];
      const remaining: unknown[] = [];
      for (let i = 0; i < 5; i++) {
        const response = await limited.request({ method: 'GET', url: '/v1/analytics/value', key });
        statuses.push(response.status);
        remaining.push(response.headers['x-ratelimit-remaining']);
      }
      expect(statuses).toEqual([200, 200, 200, 429, 429]);
      expect(remaining.slice(0, 3)).toEqual(['2', '1', '0']);
      // The count is the key's, whatever the route; the answer says when to come back.
      const elsewhere = await limited.request({ method: 'GET', url: '/v1/customers', key });
      expect(elsewhere.status).toBe(429);
      expect(Number(elsewhere.headers['retry-after'])).toBeGreaterThan(0);
      // Another key is counted on its own.
      expect((await limited.request({ method: 'GET', url: '/v1/analytics/value', key: keys.get('admin')! })).status).toBe(200);
    } finally {
      await limited.close();
    }
  });

  it('takes JOURNEY_ADMIN_KEY as an admin key', async () => {
    expect((await engine.request({ method: 'GET', url: '/v1/keys', key: TEST_ADMIN_KEY })).status).toBe(200);
  });
});
