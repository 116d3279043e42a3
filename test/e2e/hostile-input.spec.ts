import { randomUUID } from 'node:crypto';
import type { Database } from '@journey/database';
import { API_KEYS, DATABASE, type ApiKeyStore } from '@journey/platform';
import { startEngine, TEST_ADMIN_KEY, type EngineUnderTest } from '../support/engine-app';
import { backends, createTestDatabase, type TestDatabase } from '../support/test-database';
import { until } from '../support/until';

type Method = 'GET' | 'POST' | 'PUT' | 'DELETE';
interface Problem {
  title: string;
  errors: Array<{ field: string; reason: string }>;
}

const backend = backends()[0]!;
const ONE_HOUR_AHEAD = encodeURIComponent(new Date(Date.now() + 3_600_000).toISOString());

/** The malformed inputs that once reached PostgreSQL and answered 500, and the field each must be refused by. */
const CAUSES: ReadonlyArray<readonly [Method, string, unknown, string]> = [
  ['GET', '/v1/customers/%00', undefined, 'path'],
  ['GET', '/v1/customers/%00/export', undefined, 'path'],
  ['POST', '/v1/customers/%00/forget', {}, 'path'],
  ['GET', '/v1/streams/%00/events', undefined, 'path'],
  ['GET', '/v1/audit/verify/%00', undefined, 'path'],
  ['GET', `/v1/audit/customers/%00/as-of?at=${ONE_HOUR_AHEAD}`, undefined, 'path'],
  ['GET', '/v1/rules/%00', undefined, 'path'],
  ['DELETE', '/v1/rules/%00', undefined, 'path'],
  ['DELETE', '/v1/keys/%00', undefined, 'path'],
  ['GET', '/v1/audit/access-log?keyId=%00', undefined, 'keyId'],
  ['POST', '/v1/rules', { id: '\u0000' }, 'id'],
  ['POST', '/v1/keys', { role: 'ingest', name: 'a\u0000' }, 'name'],
  ['GET', '/v1/streams/customer-x/events?until=%2B275760-09-13T00:00:00.000Z', undefined, 'until'],
  ['GET', '/v1/streams/customer-x/events?until=-271821-04-20T00:00:00Z', undefined, 'until'],
  ['GET', '/v1/analytics/retention?from=0000-01-01', undefined, 'from'],
  ['GET', `/v1/customers?after=${'A'.repeat(10_000)}`, undefined, 'after'],
];

describe(`hostile input on ${backend}`, () => {
  let t: TestDatabase | undefined;
  let engine: EngineUnderTest;

  beforeAll(async () => {
    if (backend === 'postgres') t = await createTestDatabase('postgres', 4);
    engine = await startEngine(backend, t?.url, { JOURNEY_RATE_LIMITS: 'unauthenticated=100000/1s' });
  });
  afterAll(async () => {
    await engine?.close();
    await t?.drop();
  });

  it.each(CAUSES.map(([method, url, body, field]) => [`${method} ${url.slice(0, 80)}`, field, method, url, body] as const))(
    '%s: 400 naming %s',
    async (_name, field, method, url, body) => {
      const response = await engine.request({ method, url, body });
      expect(response.status).toBe(400);
      expect(response.headers['content-type']).toContain('application/problem+json');
      const problem = response.json() as unknown as Problem;
      expect(problem.errors[0]!.field).toBe(field);
      expect(problem.errors[0]!.reason).toEqual(expect.any(String));
    },
  );

  it('answers a body in another charset than UTF-8 with 415 naming the charset', async () => {
    const response = await engine.request({ method: 'POST', url: '/v1/keys', rawBody: '{"role":"ingest"}', contentType: 'application/json; charset=utf-16' });
    expect(response.status).toBe(415);
    expect((response.json() as unknown as Problem).errors).toEqual([{ field: 'content-type', reason: 'charset utf-16 is not supported: send UTF-8' }]);
  });

  it('keeps every access-log row of a second in which a client sent a NUL', async () => {
    const keys = engine.app.get<ApiKeyStore>(API_KEYS);
    const marketing = (await keys.create('marketing', 'export under test')).key;
    const [exported, hostile] = await Promise.all([
      engine.request({ method: 'GET', url: '/v1/exports/customers.csv', key: marketing }),
      engine.request({ method: 'GET', url: '/v1/customers?x=%00', key: null }),
    ]);
    expect([exported.status, hostile.status]).toEqual([200, 400]);
    const page = await engine.request({ method: 'GET', url: '/v1/audit/access-log?limit=1000' });
    const { entries } = page.json() as { entries: Array<{ route: string; path: string; status: number; filters: Record<string, string> }> };
    expect(entries).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ route: '/v1/exports/customers.csv', status: 200 }),
        expect.objectContaining({ path: '/v1/customers', status: 400, filters: { x: '\uFFFD' } }),
      ]),
    );
  });

  it('keeps a live key cached while ten thousand garbage tokens are tried', async () => {
    const keys = engine.app.get<ApiKeyStore>(API_KEYS);
    const db = engine.app.get<Database>(DATABASE);
    const live = (await keys.create('auditor', 'cached under test')).key;
    // One instant for every call: the test is about room in the cache, not about its expiry.
    const now = Date.now();
    expect(await keys.authenticate(live, now)).toBeDefined();
    for (let i = 0; i < 10_001; i++) expect(await keys.authenticate(`garbage-token-${i}-${randomUUID()}`, now)).toBeUndefined();
    const query = jest.spyOn(db, 'query');
    try {
      expect((await keys.authenticate(live, now))?.role).toBe('auditor');
      expect(query).not.toHaveBeenCalled();
    } finally {
      query.mockRestore();
    }
  }, 300_000);

  it('serves the API description without a key, and nothing else it describes but /health', async () => {
    expect((await engine.request({ method: 'GET', url: '/docs', key: null })).status).toBe(200);
    const described = await engine.request({ method: 'GET', url: '/docs/openapi.json', key: null });
    expect(described.status).toBe(200);
    const paths = (described.json() as { paths: Record<string, Record<string, unknown>> }).paths;
    const open: string[] = [];
    for (const [path, operations] of Object.entries(paths)) {
      for (const method of Object.keys(operations)) {
        const url = path.replace(/\{[^}]+\}/g, 'x');
        const status = (await engine.request({ method: method.toUpperCase() as Method, url, key: null, ...(method === 'get' || method === 'delete' ? {} : { body: {} }) })).status;
        if (status !== 401) open.push(`${method.toUpperCase()} ${path} ${status}`);
      }
    }
    expect(open).toEqual(['GET /health 200']);
    expect(Object.keys(paths).length).toBeGreaterThan(20);
  });

  it('answers a client address that keeps failing to authenticate 429, without looking keys up, while a live key it already knows passes', async () => {
    const limited = await startEngine(backend, t?.url, { JOURNEY_RATE_LIMITS: 'unauthenticated=5/1m' });
    try {
      const keys = limited.app.get<ApiKeyStore>(API_KEYS);
      expect((await limited.request({ method: 'GET', url: '/v1/keys', key: TEST_ADMIN_KEY })).status).toBe(200);
      const lookups = jest.spyOn(keys, 'authenticate');
      const statuses: number[] = [];
      for (let i = 0; i < 8; i++) statuses.push((await limited.request({ method: 'GET', url: '/v1/keys', key: `not-a-key-${randomUUID()}` })).status);
      expect(statuses).toEqual([401, 401, 401, 401, 401, 429, 429, 429]);
      expect(lookups).toHaveBeenCalledTimes(5);
      const refused = await limited.request({ method: 'GET', url: '/v1/keys', key: null });
      expect(refused.status).toBe(429);
      expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
      expect((await limited.request({ method: 'GET', url: '/v1/keys', key: TEST_ADMIN_KEY })).status).toBe(200);
      expect(lookups).toHaveBeenCalledTimes(5);
      // Another address is counted on its own.
      const other = await limited.app.inject({ method: 'GET', url: '/v1/keys', remoteAddress: '10.9.8.7', headers: { authorization: 'Bearer not-a-key-at-all-0123456789' } });
      expect(other.statusCode).toBe(401);
      lookups.mockRestore();
    } finally {
      await limited.close();
    }
  });

  it('still writes the access log of refused and limited requests', async () => {
    await until(async () => {
      const page = await engine.request({ method: 'GET', url: '/v1/audit/access-log?limit=1000' });
      const { entries } = page.json() as { entries: Array<{ status: number }> };
      return entries.some((e) => e.status === 415) ? true : undefined;
    }, 120_000, 'the 415 in the access log');
  });
});
