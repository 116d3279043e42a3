import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { EVENT_CATALOGUE, isDerivedType, type EventType } from '@journey/contracts';
import { migrate, PgDatabase, type Database } from '@journey/database';
import { isTrackingPath, type Role } from '@journey/platform';
import { EngineProcess, PROCESS_ADMIN_KEY } from '../support/engine-process';
import { sampleEvent } from '../support/sample-events';
import { describeWithCluster, PgCluster } from './support/pg-cluster';
import { until } from '../support/until';
import { CONTENT_TYPES, hostileText, mutationOf, RAW_BODIES, urlComponent } from './support/hostile-values';
import { ROUTES, RULE, SEEDED, type FuzzRoute } from './support/fuzz-routes';
import { RawHttp, type RawRequest, type RawResponse } from './support/raw-http';
import { caughtUp, stateDigest, type StateDigest } from './support/state-digest';

/** `JOURNEY_FAULTS=long` (npm run faults): at length; otherwise the short form CI runs. */
const LONG = process.env.JOURNEY_FAULTS === 'long';
const RUNS = LONG ? { contracts: 4_000, routes: 6_500 } : { contracts: 500, routes: 1_000 };
const CEILING_MS = LONG ? 4 * 3_600_000 : 3_600_000;

type Caller = 'none' | 'garbage' | 'revoked' | 'odd' | Role;
const CALLERS: readonly Caller[] = ['none', 'garbage', 'revoked', 'odd', 'ingest', 'marketing', 'auditor', 'admin'];
const ODD_AUTHORIZATIONS = ['Bearer', 'Bearer  ', 'Basic dXNlcjpwYXNz', `bearer ${'x'.repeat(1000)}`, 'Bearer a b', 'Token abc', `Bearer ${PROCESS_ADMIN_KEY.slice(0, -1)}`];
const METHODS = ['GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'HEAD', 'OPTIONS'] as const;
/** The engine's consumers of the log, each with its checkpoint. */
const CONSUMERS = ['projection:customer_360'];
const POSTABLE = (Object.keys(EVENT_CATALOGUE) as EventType[]).filter((type) => type !== 'CustomerForgotten');

interface Sent {
  readonly request: RawRequest;
  readonly response: RawResponse;
}

/** A header value Node will send: printable ASCII, bounded. */
const headerSafe = (text: string): string => [...text].map((c) => (c >= ' ' && c <= '~' ? c : '?')).join('').slice(0, 2000);

describeWithCluster('the fuzzer: hostile requests over the contracts and every route', () => {
  let cluster: PgCluster;
  let url: string;
  /** The fuzzer's own connection, to read the state it compares. */
  let db: Database;
  let engine: EngineProcess;
  let http: RawHttp;
  const keys = new Map<Caller, string>();
  const logged: string[] = [];
  const statuses = new Map<number, number>();
  let accessLogStart = 0;
  let state: StateDigest;

  beforeAll(async () => {
    cluster = await PgCluster.create();
    url = await cluster.createDatabase('journey_fuzz');
    db = new PgDatabase({ url, poolSize: 2, applicationName: 'journey-fuzzer' });
    await migrate(db);
    // The contracts first, with nothing folding the log: a 202 is then the whole of a request's effect.
    await startEngine({ JOURNEY_PROJECTOR: 'off', JOURNEY_SAGA: 'off' });
    await seed();
    await quiesce();
    accessLogStart = await settledAccessLogHead();
  }, CEILING_MS);

  async function startEngine(env: Record<string, string> = {}): Promise<void> {
    http?.close();
    await engine?.stop();
    engine = new EngineProcess({ DATABASE_URL: url, JOURNEY_RATE_LIMITS: 'off', JOURNEY_RFM_INTERVAL_SECONDS: '0', JOURNEY_CLOCK_INTERVAL_SECONDS: '0', ...env });
    await engine.start();
    http = new RawHttp('127.0.0.1', engine.port);
  }

  afterAll(async () => {
    http?.close();
    await engine?.stop();
    await db?.close();
    await cluster?.cleanup();
    if (statuses.size > 0) {
      const histogram = [...statuses.entries()].sort(([a], [b]) => a - b).map(([status, n]) => `${status}×${n}`).join(' ');
      process.stderr.write(`fuzzer: ${[...statuses.values()].reduce((a, b) => a + b, 0)} requests (${LONG ? 'long' : 'short'} form): ${histogram}\n`);
    }
  }, CEILING_MS);

  const admin = (method: string, path: string, body?: unknown): Promise<RawResponse> =>
    http.send({ method, path, headers: { authorization: `Bearer ${PROCESS_ADMIN_KEY}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) }, body: body === undefined ? undefined : JSON.stringify(body) });

  async function seed(): Promise<void> {
    keys.set('admin', PROCESS_ADMIN_KEY);
    keys.set('garbage', `jrn_000000000000_${'x'.repeat(43)}`);
    for (const role of ['ingest', 'marketing', 'auditor', 'revoked'] as const) {
      const made = await admin('POST', '/v1/keys', { role: role === 'revoked' ? 'marketing' : role, name: `fuzz ${role}` });
      expect(made.status).toBe(201);
      const { key, apiKey } = JSON.parse(made.body) as { key: string; apiKey: { id: string } };
      keys.set(role, key);
      if (role === 'revoked') expect((await admin('DELETE', `/v1/keys/${apiKey.id}`)).status).toBe(204);
    }
    const now = new Date().toISOString();
    const events = [...SEEDED.customers, 'fz-forgettable'].flatMap((customerId) =>
      (['CustomerRegistered', 'ConsentChanged', 'PurchaseCompleted', 'ProductViewed'] as const).map((type) => sampleEvent(type, { customerId, occurredAt: now })),
    );
    events.push(sampleEvent('PageViewed', { anonymousId: SEEDED.visitor, occurredAt: now }));
    events.push(sampleEvent('IdentityLinked', { customerId: SEEDED.customers[0], occurredAt: now, data: { anonymousId: SEEDED.visitor } }));
    expect((await http.send({ method: 'POST', path: '/v1/events', headers: { authorization: `Bearer ${keys.get('ingest')}`, 'content-type': 'application/json' }, body: JSON.stringify({ events }) })).status).toBe(202);
  }

  /** Waits until every consumer has caught up and the state has held still over a few polls. */
  async function quiesce(): Promise<void> {
    let last = '';
    let still = 0;
    state = await until(
      async () => {
        const now = await stateDigest(db);
        still = caughtUp(now, folding ? CONSUMERS : []) && JSON.stringify(now) === last ? still + 1 : 0;
        last = JSON.stringify(now);
        if (still < 3) await new Promise((resolve) => setTimeout(resolve, 60));
        return still >= 3 ? now : undefined;
      },
      120_000,
      'the engine to settle',
    );
  }

  async function settledAccessLogHead(): Promise<number> {
    let last = -1;
    return until(
      async () => {
        await new Promise((resolve) => setTimeout(resolve, 1_200));
        const { rows } = await db.query<{ head: string | number }>('SELECT coalesce(max(id), 0) AS head FROM journey.access_log');
        const head = Number(rows[0]!.head);
        const settled = head === last;
        last = head;
        return settled ? head : undefined;
      },
      120_000,
      'the access log to settle',
    );
  }

  let previous = '(none)';
  /** Whether the projector and the saga run, so that an accepted write goes on changing the state for a while. */
  let folding = false;

  /** Whether the engine's process is still there. */
  const alive = (): boolean => {
    try {
      return engine.pid !== undefined && process.kill(engine.pid, 0);
    } catch {
      return false;
    }
  };

  /** Sends one request and checks what holds for every request: no 5xx, and a refused one changed nothing. */
  async function exchange(request: RawRequest): Promise<Sent> {
    const summary = `${request.method} ${request.path.slice(0, 300)}`;
    let response: RawResponse;
    try {
      response = await http.send(request);
    } catch (error) {
      // A kept-alive connection the server had just closed: a client sends again on a new one.
      if (!alive()) throw new Error(`the engine died after ${previous}, at ${summary}:\n${engine.log.slice(-4000)}`, { cause: error });
      response = await http.send(request);
    }
    previous = summary;
    statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
    if (response.status >= 500) throw new Error(`${summary} answered ${response.status}: ${response.body.slice(0, 500)}`);
    if (response.status >= 400 && !response.contentType.startsWith('application/problem+json')) {
      throw new Error(`${summary} answered ${response.status} as ${response.contentType || 'no content type'}, not a problem: ${response.body.slice(0, 500)}`);
    }
    const path = request.path.split('?')[0]!;
    const acceptedAppend = request.method === 'POST' && (path === '/v1/events' || isTrackingPath(path)) && response.status < 300;
    if (path !== '/health' && !acceptedAppend) logged.push(`${request.method} ${response.status}`);
    const write = response.status < 400 && !['GET', 'HEAD', 'OPTIONS'].includes(request.method);
    if (write && folding) {
      await quiesce();
    } else if (write) {
      state = await stateDigest(db);
    } else {
      const after = await stateDigest(db);
      if (JSON.stringify(after) !== JSON.stringify(state)) {
        throw new Error(`${request.method} ${request.path.slice(0, 300)} answered ${response.status} and changed the state: ${JSON.stringify(state)} → ${JSON.stringify(after)}`);
      }
    }
    return { request, response };
  }

  const authorization = (caller: Caller, odd: string): Record<string, string> =>
    caller === 'none' ? {} : { authorization: caller === 'odd' ? odd : `Bearer ${keys.get(caller)}` };

  it(`answers ${RUNS.contracts} events of every type, valid and mutated, below 500; a refused one changes nothing`, async () => {
    await quiesce();
    const eventArb = fc
      .record({
        type: fc.constantFrom(...POSTABLE),
        owner: fc.constantFrom(...SEEDED.customers, 'fz-new', `anon:${SEEDED.visitor}`),
        batch: fc.boolean(),
        caller: fc.constantFrom<Caller>('ingest', 'ingest', 'ingest', 'admin', 'marketing', 'none'),
        seed: fc.nat(),
      })
      .chain(({ type, owner, batch, caller }) => {
        const base = sampleEvent(type, owner.startsWith('anon:') ? { anonymousId: owner.slice(5), occurredAt: new Date().toISOString() } : { customerId: owner, occurredAt: new Date().toISOString() });
        return fc.record({ type: fc.constant(type), batch: fc.constant(batch), caller: fc.constant(caller), event: mutationOf({ ...base, eventId: randomUUID() }, 6) });
      });
    await fc.assert(
      fc.asyncProperty(eventArb, async ({ type, batch, caller, event }) => {
        const body = batch ? { events: [event.body] } : event.body;
        const { response } = await exchange({
          method: 'POST',
          path: '/v1/events',
          headers: { ...authorization(caller, ''), 'content-type': 'application/json' },
          body: JSON.stringify(body),
        });
        if (caller !== 'ingest' && caller !== 'admin') expect(response.status).toBe(caller === 'none' ? 401 : 403);
        else if (!event.mutated) expect([type, response.status]).toEqual([type, isDerivedType(type) ? 400 : 202]);
        else expect([202, 207, 400, 409]).toContain(response.status);
      }),
      { numRuns: RUNS.contracts, endOnFailure: true },
    );
  }, CEILING_MS);

  it(`answers ${RUNS.routes} hostile requests over every route, method and caller below 500; a refused one changes nothing`, async () => {
    // Now with the projector and the saga folding what was accepted, and a rule to act on.
    await startEngine();
    folding = true;
    expect((await admin('POST', '/v1/rules', RULE)).status).toBe(201);
    logged.push('POST 201');
    await quiesce();
    const requestArb = fc.constantFrom(...ROUTES).chain((route: FuzzRoute) => {
      const segments = route.path.split('/').map((segment) => (segment.startsWith(':') ? urlComponent(route.params?.[segment.slice(1)] ?? ['x']) : fc.constant(segment)));
      const names = Object.keys(route.query ?? {});
      const queryPair = fc.oneof(
        { weight: 3, arbitrary: names.length ? fc.constantFrom(...names).chain((name) => fc.tuple(fc.constant(name), urlComponent(route.query![name]!))) : fc.tuple(urlComponent(['x']), urlComponent(['1'])) },
        { weight: 1, arbitrary: fc.tuple(urlComponent(['limit', 'x', '__proto__']), urlComponent(['1'])) },
      );
      const base = route.body?.();
      const body = fc.oneof(
        { weight: base === undefined ? 1 : 5, arbitrary: base === undefined ? fc.constant(undefined) : mutationOf(base, 3).map((m) => JSON.stringify(m.body)) },
        { weight: 1, arbitrary: fc.constantFrom(...RAW_BODIES) },
        { weight: 1, arbitrary: hostileText.map((text) => JSON.stringify({ value: text })) },
      );
      return fc.record({
        route: fc.constant(route),
        method: fc.oneof({ weight: 6, arbitrary: fc.constant(route.method) }, { weight: 1, arbitrary: fc.constantFrom(...METHODS) }),
        segments: fc.tuple(...segments),
        query: fc.array(queryPair, { maxLength: 4 }),
        body,
        contentType: fc.oneof({ weight: 5, arbitrary: fc.constant('application/json') }, { weight: 2, arbitrary: fc.constantFrom(...CONTENT_TYPES) }),
        caller: fc.constantFrom(...CALLERS),
        odd: fc.constantFrom(...ODD_AUTHORIZATIONS),
        headers: fc.dictionary(fc.constantFrom('x-forwarded-for', 'accept', 'accept-encoding', 'content-encoding', 'x-request-id', 'if-none-match', 'range', 'origin', 'cookie', 'accept-language', 'user-agent'), hostileText.map(headerSafe), { maxKeys: 3 }),
      });
    });
    await fc.assert(
      fc.asyncProperty(requestArb, async ({ route, method, segments, query, body, contentType, caller, odd, headers }) => {
        const search = query.map(([name, value]) => `${name}=${value}`).join('&');
        // Within Node's 16 KiB limit on a request's head, so that every request reaches the engine.
        const path = `${segments.join('/')}${search ? `?${search}` : ''}`.slice(0, 12_000);
        const sendsBody = body !== undefined && method !== 'GET' && method !== 'HEAD';
        const request: RawRequest = {
          method,
          path,
          headers: { ...headers, ...authorization(caller, odd), ...(sendsBody && contentType ? { 'content-type': contentType } : {}) },
          body: sendsBody ? body : undefined,
        };
        const { response } = await exchange(request);
        const publicPath = path.startsWith('/health') || path.startsWith('/docs');
        if (!publicPath && (caller === 'none' || caller === 'garbage' || caller === 'revoked' || caller === 'odd')) {
          expect([`${method} ${path.slice(0, 200)}`, response.status < 300]).toEqual([`${method} ${path.slice(0, 200)}`, false]);
        }
        if (route.roles && method === route.method && caller !== 'admin' && !route.roles.includes(caller as Role)) {
          expect(response.status).toBeGreaterThanOrEqual(400);
        }
      }),
      { numRuns: RUNS.routes, endOnFailure: true },
    );
  }, CEILING_MS);

  it('wrote one access-log row for every request it logs (refused ones included), and no other', async () => {
    expect(logged.length).toBeGreaterThan(0);
    const count = (entries: readonly string[]): Record<string, number> => {
      const counts: Record<string, number> = {};
      for (const entry of entries) counts[entry] = (counts[entry] ?? 0) + 1;
      return counts;
    };
    const read = async (): Promise<string[]> => {
      const { rows } = await db.query<{ entry: string }>(`SELECT method || ' ' || status AS entry FROM journey.access_log WHERE id > $1`, [accessLogStart]);
      return rows.map((row) => row.entry);
    };
    // The log is written a second at a time: wait for it to hold still, then compare by method and status.
    await settledAccessLogHead();
    expect(count(await read())).toEqual(count(logged));
  }, CEILING_MS);
});
