import { randomUUID } from 'node:crypto';
import { type Database } from '@journey/database';
import { CommandBus } from '@nestjs/cqrs';
import { ConsumeEventsCommand } from '@journey/ingest';
import { DATABASE } from '@journey/platform';
import type { EventType } from '@journey/contracts';
import { SAMPLE_DATA, sampleEvent } from '../support/sample-events';
import { startEngine, type EngineUnderTest } from '../support/engine-app';
import { TcpProxy } from '../support/tcp-proxy';
import { until } from '../support/until';
import { backends, createTestDatabase, describeWithServer, type TestDatabase } from '../support/test-database';

describe.each(backends())('HTTP ingest on %s', (backend) => {
  let t: TestDatabase | undefined;
  let engine: EngineUnderTest;

  beforeAll(async () => {
    if (backend === 'postgres') t = await createTestDatabase('postgres', 2);
    engine = await startEngine(backend, t?.url);
  });
  afterAll(async () => {
    await engine.close();
    await t?.drop();
  });

  const post = (body: unknown, url = '/v1/events') => engine.request({ method: 'POST', url, body });
  const get = (url: string) => engine.request({ method: 'GET', url });
  // What clients stored (the projector may derive events of its own meanwhile).
  const storedCount = async (): Promise<number> => {
    const { rows } = await engine.app.get<Database>(DATABASE).query<{ n: number }>("SELECT count(*)::int AS n FROM journey.events WHERE source <> 'journey'");
    return rows[0]!.n;
  };

  it('appends a purchase and reads the stream back with positions and hashes', async () => {
    const customerId = `c-${randomUUID()}`;
    const purchase = sampleEvent('PurchaseCompleted', { customerId });
    const response = await post(purchase);
    expect(response.status).toBe(202);
    expect(response.json()).toEqual({
      accepted: 1,
      rejected: 0,
      results: [{ index: 0, eventId: purchase.eventId, status: 'appended', streamId: `customer-${customerId}`, position: 1 }],
    });

    const read = await get(`/v1/streams/customer-${customerId}/events`);
    expect(read.status).toBe(200);
    const all = (read.json() as { events: Array<Record<string, unknown>> }).events;
    // Beside it, maybe, the lifecycle change the engine's projector derived from it.
    const events = all.filter((e) => e.source !== 'journey');
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      eventId: purchase.eventId,
      type: 'PurchaseCompleted',
      customerId,
      streamPosition: 1,
      data: SAMPLE_DATA.PurchaseCompleted,
      hash: expect.stringMatching(/^[0-9a-f]{64}$/),
    });
  });

  it('answers a retried event as a duplicate at its original position', async () => {
    const purchase = sampleEvent('PurchaseCompleted', { customerId: `c-${randomUUID()}` });
    await post(purchase);
    const again = await post(purchase);
    expect(again.status).toBe(202);
    expect((again.json().results as unknown[])[0]).toMatchObject({ status: 'duplicate', position: 1 });
  });

  it('appends the valid events of a batch and reports each invalid one (207)', async () => {
    const customerId = `c-${randomUUID()}`;
    const good = [sampleEvent('ProductViewed', { customerId }), sampleEvent('CartUpdated', { customerId })];
    const bad = { ...sampleEvent('PurchaseCompleted', { customerId }), data: { ...SAMPLE_DATA.PurchaseCompleted, total: 10.5 } };
    const response = await post({ events: [good[0], bad, good[1]] });
    expect(response.status).toBe(207);
    const body = response.json();
    expect(body).toMatchObject({ accepted: 2, rejected: 1 });
    expect(body.results).toEqual([
      expect.objectContaining({ index: 0, status: 'appended', position: 1 }),
      { index: 1, eventId: bad.eventId, status: 'rejected', errors: [{ field: 'events[1].data.total', reason: expect.any(String) }] },
      expect.objectContaining({ index: 2, status: 'appended', position: 2 }),
    ]);
  });

  it('refuses a reused event id with other content, naming eventId', async () => {
    const purchase = sampleEvent('PurchaseCompleted', { customerId: `c-${randomUUID()}` });
    await post(purchase);
    const response = await post({ ...purchase, data: { ...SAMPLE_DATA.PurchaseCompleted, total: 1 } });
    expect(response.status).toBe(400);
    expect(response.json().errors).toEqual([{ field: 'eventId', reason: expect.stringContaining('already used') }]);
  });

  it('answers 409 on an expectedVersion conflict and writes nothing of the request', async () => {
    const customerId = `c-${randomUUID()}`;
    const stream = `customer-${customerId}`;
    await post(sampleEvent('PageViewed', { customerId }));
    const other = `c-${randomUUID()}`;
    const response = await post({
      events: [sampleEvent('PageViewed', { customerId }), sampleEvent('PageViewed', { customerId: other })],
      expectedVersions: { [stream]: 5 },
    });
    expect(response.status).toBe(409);
    expect(response.headers['content-type']).toContain('application/problem+json');
    expect(response.json()).toMatchObject({ status: 409, streamId: stream, expectedVersion: 5, actualVersion: 1 });
    expect((await get(`/v1/streams/customer-${other}/events`)).status).toBe(404);
    // A customer id where a stream id belongs: the answer says what a stream id looks like.
    const bare = await get(`/v1/streams/${customerId}/events`);
    expect(bare.status).toBe(404);
    expect(JSON.stringify(bare.json())).toContain(`e.g. customer-${customerId}`);

    const right = await post({ events: [sampleEvent('PageViewed', { customerId })], expectedVersions: { [stream]: 1 } });
    expect(right.status).toBe(202);
    const single = await post(sampleEvent('PageViewed', { customerId }), '/v1/events?expectedVersion=1');
    expect(single.status).toBe(409);
  });

  it('serves /health and /metrics', async () => {
    const health = await get('/health');
    expect(health.status).toBe(200);
    expect(health.json()).toMatchObject({ status: 'ok', database: { kind: backend } });
    const metrics = await get('/metrics');
    for (const name of [
      'journey_append_events_total',
      'journey_append_latency_seconds_bucket',
      'journey_group_commit_batch_events_bucket',
      'journey_safe_horizon_age_seconds',
    ]) {
      expect(metrics.body).toContain(name);
    }
  });

  it('lists the dead letters of the Kafka ingest page by page, without their payloads', async () => {
    // Through the engine's command bus, as its Kafka consumer sends each run of messages.
    const topic = `journey.events.${randomUUID()}`;
    const bad = ['not json', JSON.stringify({ ...sampleEvent('PurchaseCompleted'), occurredAt: 'yesterday' }), JSON.stringify({ eventId: 'e-1', type: 'PageViewed' })];
    const report = await engine.app
      .get(CommandBus)
      .execute(new ConsumeEventsCommand(bad.map((value, i) => ({ topic, partition: 0, offset: String(10 + i), key: Buffer.from('c-9'), value: Buffer.from(value) }))));
    expect(report).toMatchObject({ appended: 0, duplicates: 0, deadLetters: [{}, {}, {}] });

    const listed = async () => {
      const all: Array<Record<string, unknown>> = [];
      let url = '/v1/dead-letters?limit=2';
      for (;;) {
        const page = await get(url);
        expect(page.status).toBe(200);
        const body = page.json() as { deadLetterTopic: string; items: Array<Record<string, unknown>>; next?: number };
        expect(body.deadLetterTopic).toBe('journey.events.dead-letter');
        all.push(...body.items);
        if (body.next === undefined) return all.filter((item) => item.topic === topic);
        url = `/v1/dead-letters?limit=2&after=${body.next}`;
      }
    };
    // Listed once the transactions in flight before them have ended (other tests' may last a moment).
    const mine = await until(async () => {
      const letters = await listed();
      return letters.length >= 3 ? letters : undefined;
    }, 10_000, 'the three dead letters');
    expect(mine.map((item) => item.offset)).toEqual(['10', '11', '12']);
    expect(mine[1]).toMatchObject({ key: 'c-9', eventType: 'PurchaseCompleted', errors: expect.arrayContaining([expect.objectContaining({ field: 'occurredAt' })]) });
    expect(JSON.stringify(mine)).not.toContain('o-1001');

    const wrong = await get('/v1/dead-letters?limit=0');
    expect(wrong.status).toBe(400);
    expect(wrong.json()).toMatchObject({ errors: [{ field: 'limit', reason: 'must be a positive integer' }] });
  });

  describe('bad input', () => {
    const customerId = 'c-bad-input';
    const valid = () => sampleEvent('PurchaseCompleted', { customerId });
    const withData = (data: Record<string, unknown>) => ({ ...valid(), data: { ...SAMPLE_DATA.PurchaseCompleted, ...data } });
    const without = (key: string) => {
      const e = valid();
      delete e[key];
      return e;
    };
    const nested = (depth: number): Record<string, unknown> => (depth === 0 ? { x: 1 } : { x: nested(depth - 1) });
    const of = (type: EventType, data: Record<string, unknown>) =>
      sampleEvent(type, { customerId, data: { ...SAMPLE_DATA[type], ...data } });

    type Case = [name: string, request: { body?: unknown; raw?: string; contentType?: string; url?: string }, status: number, field: string];
    const cases: Case[] = [
      ['malformed JSON', { raw: '{"eventId": ' }, 400, 'body'],
      ['an empty body', { raw: '' }, 400, 'body'],
      ['a form body', { raw: 'a=1', contentType: 'application/x-www-form-urlencoded' }, 415, 'content-type'],
      ['a text body', { raw: 'hello', contentType: 'text/plain' }, 415, 'content-type'],
      ['a JSON array', { body: [valid()] }, 400, 'body'],
      ['a JSON string', { body: 'event' }, 400, 'body'],
      ['JSON null', { raw: 'null' }, 400, 'body'],
      ['events that are not an array', { body: { events: valid() } }, 400, 'events'],
      ['an empty batch', { body: { events: [] } }, 400, 'events'],
      ['an unknown batch field', { body: { events: [valid()], atomic: true } }, 400, 'atomic'],
      ['1,001 events', { body: { events: Array.from({ length: 1001 }, valid) } }, 413, 'events'],
      ['more than 5 MiB', { raw: JSON.stringify({ events: [{ pad: 'x'.repeat(5 * 1024 * 1024) }] }) }, 413, 'body'],
      ['a bad expected version', { body: { events: [valid()], expectedVersions: { 'customer-x': -1 } } }, 400, 'expectedVersions.customer-x'],
      ['a bad expectedVersion parameter', { body: valid(), url: '/v1/events?expectedVersion=soon' }, 400, 'expectedVersion'],
      ['an unknown envelope field', { body: { ...valid(), priority: 1 } }, 400, 'priority'],
      ['a missing eventId', { body: without('eventId') }, 400, 'eventId'],
      ['a malformed eventId', { body: { ...valid(), eventId: '1234' } }, 400, 'eventId'],
      ['a numeric eventId', { body: { ...valid(), eventId: 1234 } }, 400, 'eventId'],
      ['a missing type', { body: without('type') }, 400, 'type'],
      ['an unknown type', { body: { ...valid(), type: 'OrderShipped' } }, 400, 'type'],
      ['a derived type', { body: sampleEvent('LifecycleStageChanged', { customerId }) }, 400, 'type'],
      ['CustomerForgotten, which only the forget route appends', { body: sampleEvent('CustomerForgotten', { customerId }) }, 400, 'type'],
      ['a numeric type', { body: { ...valid(), type: 7 } }, 400, 'type'],
      ['an unsupported version', { body: { ...valid(), version: 2 } }, 400, 'version'],
      ['a version as a string', { body: { ...valid(), version: '1' } }, 400, 'version'],
      ['both customerId and anonymousId', { body: { ...valid(), anonymousId: 'v-1' } }, 400, 'anonymousId'],
      ['neither customerId nor anonymousId', { body: without('customerId') }, 400, 'customerId'],
      ['a null customerId', { body: { ...valid(), customerId: null } }, 400, 'customerId'],
      ['a null anonymousId', { body: { ...without('customerId'), anonymousId: null } }, 400, 'anonymousId'],
      ['an empty customerId', { body: { ...valid(), customerId: '' } }, 400, 'customerId'],
      ['a customerId with a slash', { body: { ...valid(), customerId: 'a/b' } }, 400, 'customerId'],
      ['a missing occurredAt', { body: without('occurredAt') }, 400, 'occurredAt'],
      ['a time without offset', { body: { ...valid(), occurredAt: '2026-03-01 12:00:00' } }, 400, 'occurredAt'],
      ['a time far in the future', { body: { ...valid(), occurredAt: '2099-01-01T00:00:00Z' } }, 400, 'occurredAt'],
      ['a time that is not one', { body: { ...valid(), occurredAt: 'yesterday' } }, 400, 'occurredAt'],
      ['a date that does not exist, in the past once rolled over', { body: { ...valid(), occurredAt: '2025-02-29T12:00:00Z' } }, 400, 'occurredAt'],
      ['a missing source', { body: without('source') }, 400, 'source'],
      ['a missing data', { body: without('data') }, 400, 'data'],
      ['data as an array', { body: { ...valid(), data: [] } }, 400, 'data'],
      ['metadata as a string', { body: { ...valid(), metadata: 'm' } }, 400, 'metadata'],
      ['metadata over 4 KiB', { body: { ...valid(), metadata: { blob: 'x'.repeat(5000) } } }, 400, 'metadata'],
      ['an unknown data field', { body: withData({ colour: 'red' }) }, 400, 'data.colour'],
      ['money as a float', { body: withData({ total: 104.96 }) }, 400, 'data.total'],
      ['negative money', { body: withData({ total: -5 }) }, 400, 'data.total'],
      ['money as a string', { body: withData({ total: '10496' }) }, 400, 'data.total'],
      ['a lower-case currency', { body: withData({ currency: 'eur' }) }, 400, 'data.currency'],
      ['an unknown currency', { body: withData({ currency: 'ABC' }) }, 400, 'data.currency'],
      ['a missing currency', { body: withData({ currency: undefined }) }, 400, 'data.currency'],
      ['a product price without its currency', { body: sampleEvent('ProductViewed', { customerId, data: { sku: 'SKU-1', price: 8999 } }) }, 400, 'data.currency'],
      ['no items array', { body: withData({ items: undefined }) }, 400, 'data.items'],
      ['a fractional quantity', { body: withData({ items: [{ sku: 'A', quantity: 1.5, unitPrice: 1 }] }) }, 400, 'data.items[0].quantity'],
      ['an item that is not an object', { body: withData({ items: ['A'] }) }, 400, 'data.items[0]'],
      ['a __proto__ key', { raw: JSON.stringify(valid()).replace('"orderId"', '"__proto__":{"admin":true},"orderId"') }, 400, 'data.__proto__'],
      ['a constructor key', { body: { ...valid(), constructor: { prototype: {} } } }, 400, 'constructor'],
      ['a NUL character', { body: withData({ orderId: 'o\u0000' }) }, 400, 'data.orderId'],
      ['an event over 64 KiB', { body: of('PageViewed', { title: 'x'.repeat(70_000) }) }, 400, 'body'],
      ['consent granted as a string', { body: of('ConsentChanged', { granted: 'yes' }) }, 400, 'data.granted'],
      ['an NPS score of 11', { body: of('FeedbackGiven', { score: 11 }) }, 400, 'data.score'],
      ['a satisfaction of 0', { body: of('TicketResolved', { satisfaction: 0 }) }, 400, 'data.satisfaction'],
      ['an e-mail address that is not one', { body: of('CustomerProfileUpdated', { email: 'ada-at-example' }) }, 400, 'data.email'],
      ['nesting 20 levels deep', { body: of('CustomerProfileUpdated', { attributes: nested(20) }) }, 400, 'data.attributes' + '.x'.repeat(14)],
      ['an invalid event in a batch of invalid ones', { body: { events: [{ ...valid(), eventId: 'x' }, withData({ total: -1 })] } }, 400, 'events[0].eventId'],
    ];

    it('has a table of at least 40 cases', () => expect(cases.length).toBeGreaterThanOrEqual(40));

    it.each(cases)('%s → a 4xx naming the field, and the store unchanged', async (_name, request, status, field) => {
      const before = await storedCount();
      const response = await engine.request({
        method: 'POST',
        url: request.url ?? '/v1/events',
        body: request.body,
        rawBody: request.raw,
        contentType: request.contentType,
      });
      expect(response.status).toBe(status);
      expect(response.headers['content-type']).toContain('application/problem+json');
      const problem = response.json() as { status: number; errors: Array<{ field: string; reason: string }> };
      expect(problem.status).toBe(status);
      expect(problem.errors.map((e) => e.field)).toContain(field);
      for (const error of problem.errors) expect(error.reason.length).toBeGreaterThan(3);
      expect(await storedCount()).toBe(before);
    });

    it('left nothing of the refused requests in the stream', async () => {
      expect((await get(`/v1/streams/customer-${customerId}/events`)).status).toBe(404);
    });
  });
});

describeWithServer('HTTP ingest while the database is unreachable', () => {
  let t: TestDatabase;
  let engine: EngineUnderTest;
  let proxy: TcpProxy;

  beforeAll(async () => {
    t = await createTestDatabase('postgres', 2);
    const target = new URL(t.url!);
    proxy = new TcpProxy(target.hostname, Number(target.port || 5432));
    const port = await proxy.start();
    const throughProxy = new URL(t.url!);
    throughProxy.host = `127.0.0.1:${port}`;
    engine = await startEngine('postgres', throughProxy.toString());
  });
  afterAll(async () => {
    await engine.close();
    await proxy.cut();
    await t.drop();
  });

  it('answers 503 with Retry-After, commits nothing, and takes the retry once the database is back', async () => {
    const purchase = sampleEvent('PurchaseCompleted', { customerId: `c-${randomUUID()}` });
    await proxy.cut();
    const refused = await engine.request({ method: 'POST', url: '/v1/events', body: purchase });
    expect(refused.status).toBe(503);
    expect(refused.headers['retry-after']).toBe('1');
    expect(refused.headers['content-type']).toContain('application/problem+json');
    expect((await engine.request({ method: 'GET', url: '/health' })).status).toBe(503);

    await proxy.restore();
    const { rows } = await t.db.query<{ n: number }>('SELECT count(*)::int AS n FROM journey.events WHERE event_id = $1', [purchase.eventId]);
    expect(rows[0]!.n).toBe(0);
    const retried = await engine.request({ method: 'POST', url: '/v1/events', body: purchase });
    expect(retried.status).toBe(202);
    expect((retried.json().results as unknown[])[0]).toMatchObject({ status: 'appended', position: 1 });
  });
});
