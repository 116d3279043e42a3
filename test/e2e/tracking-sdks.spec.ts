import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { gzipSync } from 'node:zlib';
import { Analytics } from '@segment/analytics-node';
import RudderAnalytics from '@rudderstack/rudder-sdk-node';
import { listen } from '@journey/platform';
import { startEngine, type EngineUnderTest } from '../support/engine-app';
import { createTestDatabase, describeWithServer, type TestDatabase } from '../support/test-database';
import { until } from '../support/until';

interface Customer {
  readonly profile: Record<string, unknown>;
  readonly identities: readonly string[];
  readonly commerce: { readonly orders: number; readonly byCurrency: Record<string, { orders: number; revenue: number }> };
  readonly activity: { readonly views: number; readonly carts: number };
}

/** Real Segment and RudderStack SDKs, pointed at an engine on a socket, as upstream apps would be. */
describeWithServer('the tracking API with the real SDKs', () => {
  let t: TestDatabase;
  let engine: EngineUnderTest;
  let url: string;
  let writeKey: string;

  beforeAll(async () => {
    t = await createTestDatabase('postgres', 4);
    engine = await startEngine('postgres', t.url);
    url = (await listen(engine.app, '127.0.0.1', 0)).url;
    const made = await engine.request({ method: 'POST', url: '/v1/keys', body: { role: 'ingest', name: 'shop write key' } });
    writeKey = made.json().key as string;
  });
  afterAll(async () => {
    await engine?.close();
    await t?.drop();
  });

  const basic = (key = writeKey): string => `Basic ${Buffer.from(`${key}:`).toString('base64')}`;
  const post = (path: string, body: unknown, headers: Record<string, string> = {}): Promise<Response> =>
    fetch(url + path, { method: 'POST', headers: { authorization: basic(), 'content-type': 'application/json', ...headers }, body: typeof body === 'string' || Buffer.isBuffer(body) ? body : JSON.stringify(body) });
  const customer = async (id: string): Promise<Customer | undefined> => {
    const response = await engine.request({ method: 'GET', url: `/v1/customers/${id}` });
    return response.status === 200 ? (response.json() as unknown as Customer) : undefined;
  };
  /** The 360 once it shows what `ready` waits for (the projector folds after the append). */
  const customerWhen = (id: string, ready: (c: Customer) => boolean): Promise<Customer> =>
    until(async () => {
      const c = await customer(id);
      return c && ready(c) ? c : undefined;
    }, 120_000, `the 360 of ${id}`);

  const order = (orderId: string) => ({
    order_id: orderId,
    total: 27.49,
    currency: 'EUR',
    products: [
      { product_id: 'p-1', sku: 'SKU-1', name: 'Runner', category: 'shoes', price: 19.99, quantity: 1 },
      { product_id: 'p-2', price: 3.75, quantity: 2, category: 'socks' },
    ],
  });

  it('Segment analytics-node: anonymous views folded in at identify, traits in the profile, the order with its revenue', async () => {
    const userId = `c-${randomUUID()}`;
    const anonymousId = `v-${randomUUID()}`;
    const statuses: number[] = [];
    const analytics = new Analytics({ writeKey, host: url, flushInterval: 100, maxEventsInBatch: 50 });
    analytics.on('http_response', (response) => statuses.push(response.status));
    analytics.page({ anonymousId, name: 'Shoes', properties: { url: 'https://shop.example/shoes' } });
    analytics.track({ anonymousId, event: 'Product Viewed', properties: { product_id: 'p-1', price: 19.99, currency: 'EUR' } });
    await analytics.flush();
    analytics.identify({ userId, anonymousId, traits: { firstName: 'Ada', lastName: 'Lovelace', email: 'ada@example.com', plan: 'pro' } });
    analytics.track({ userId, event: 'Order Completed', properties: order(`o-${randomUUID()}`) });
    analytics.track({ userId, event: 'Newsletter Subscribed', properties: { list: 'weekly' } });
    await analytics.closeAndFlush();
    expect(statuses.length).toBeGreaterThan(0);
    expect(statuses.every((s) => s === 200)).toBe(true);

    const c = await customerWhen(userId, (x) => x.commerce.orders === 1 && x.activity.views === 2);
    expect(c.commerce.byCurrency.EUR).toMatchObject({ orders: 1, revenue: 2749 });
    expect(c.profile).toMatchObject({ name: 'Ada Lovelace', email: 'ada@example.com', attributes: { plan: 'pro' } });
    expect(c.identities).toEqual([anonymousId]);

    const stream = await engine.request({ method: 'GET', url: `/v1/streams/customer-${userId}/events` });
    const types = (stream.json().events as Array<{ type: string; data: Record<string, unknown> }>).filter((e) => e.type === 'CustomEvent');
    expect(types).toEqual([expect.objectContaining({ data: { name: 'Newsletter Subscribed', properties: { list: 'weekly' } } })]);
  });

  it('RudderStack rudder-sdk-node (gzip bodies): the same journey lands in the 360', async () => {
    const userId = `c-${randomUUID()}`;
    const anonymousId = `v-${randomUUID()}`;
    const client = new RudderAnalytics(writeKey, { dataPlaneUrl: url, flushAt: 100, flushInterval: 100_000, logLevel: 'error' });
    const failures: unknown[] = [];
    const callback = (error?: unknown): void => {
      if (error) failures.push(error);
    };
    client.page({ anonymousId, name: 'Home', properties: { url: 'https://shop.example/' } }, callback);
    client.track({ anonymousId, event: 'Product Added', properties: { cart_id: 'k-1', product_id: 'p-1', price: 19.99, currency: 'EUR' } }, callback);
    client.identify({ userId, anonymousId, traits: { email: 'grace@example.com', name: 'Grace Hopper' } }, callback);
    client.track({ userId, event: 'Order Completed', properties: order(`o-${randomUUID()}`) }, callback);
    await client.flush();
    expect(failures).toEqual([]);

    const c = await customerWhen(userId, (x) => x.commerce.orders === 1 && x.activity.views === 1 && x.activity.carts === 1);
    expect(c.commerce.byCurrency.EUR).toMatchObject({ revenue: 2749 });
    expect(c.profile).toMatchObject({ name: 'Grace Hopper', email: 'grace@example.com' });
  });

  it('Segment analytics-node retries a batch whose answer was lost: the retry is answered as duplicates, the order counted once', async () => {
    // In front of the engine: forwards each request, and drops the connection instead of the first answer.
    const answers: Array<{ retry: string | undefined; body: { accepted: number; duplicates: number } }> = [];
    const proxy: Server = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        void (async () => {
          const headers = Object.fromEntries(Object.entries(request.headers).filter(([name]) => !['host', 'content-length', 'connection'].includes(name))) as Record<string, string>;
          const forwarded = await fetch(url + request.url!, { method: request.method, headers, body: Buffer.concat(chunks) });
          const text = await forwarded.text();
          answers.push({ retry: request.headers['x-retry-count'] as string | undefined, body: JSON.parse(text) as { accepted: number; duplicates: number } });
          if (answers.length === 1) request.socket.destroy();
          else response.writeHead(forwarded.status, { 'content-type': 'application/json' }).end(text);
        })();
      });
    });
    await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
    try {
      const address = proxy.address() as { port: number };
      const userId = `c-${randomUUID()}`;
      const analytics = new Analytics({ writeKey, host: `http://127.0.0.1:${address.port}`, flushInterval: 100, maxRetries: 3 });
      analytics.track({ userId, event: 'Order Completed', properties: order(`o-${randomUUID()}`) });
      await analytics.closeAndFlush();
      expect(answers.map((a) => [a.retry, a.body.accepted, a.body.duplicates])).toEqual([
        [undefined, 1, 0],
        ['1', 0, 1],
      ]);
      const c = await customerWhen(userId, (x) => x.commerce.orders >= 1);
      expect(c.commerce.orders).toBe(1);
    } finally {
      await new Promise<void>((resolve) => proxy.close(() => resolve()));
    }
  });

  it('a retried batch is answered as duplicates, and nothing is counted twice', async () => {
    const userId = `c-${randomUUID()}`;
    const batch = { batch: [{ type: 'track', messageId: randomUUID(), userId, event: 'Order Completed', properties: order(`o-${randomUUID()}`) }], sentAt: new Date().toISOString() };
    const first = await post('/v1/batch', batch);
    expect(first.status).toBe(200);
    expect(await first.json()).toMatchObject({ success: true, accepted: 1, duplicates: 0, rejected: 0 });
    const again = await post('/v1/batch', batch, { 'x-retry-count': '1' });
    expect(await again.json()).toMatchObject({ success: true, accepted: 0, duplicates: 1, results: [{ index: 0, status: 'duplicate' }] });
    const c = await customerWhen(userId, (x) => x.commerce.orders >= 1);
    expect(c.commerce.orders).toBe(1);
  });

  it("takes an Order Completed that names its revenue and no products, as Segment's spec allows: an order with its revenue", async () => {
    const userId = `c-${randomUUID()}`;
    const response = await post('/v1/track', { messageId: randomUUID(), userId, event: 'Order Completed', properties: { order_id: 'o-bare', revenue: 42.5, currency: 'EUR' } });
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ accepted: 1, results: [{ status: 'accepted' }] });
    const c = await customerWhen(userId, (x) => x.commerce.orders >= 1);
    expect(c.commerce.byCurrency.EUR).toMatchObject({ orders: 1, revenue: 4250 });
  });

  it('refuses another message under a messageId already used, naming messageId, and keeps the first', async () => {
    const userId = `c-${randomUUID()}`;
    const messageId = randomUUID();
    const track = (orderId: string, sentAt: string) => ({ messageId, userId, event: 'Order Completed', timestamp: '2026-03-01T10:00:00.000Z', sentAt, properties: order(orderId) });
    const first = await post('/v1/track', track('o-1', '2026-03-01T10:00:01.000Z'));
    expect(await first.json()).toMatchObject({ accepted: 1, results: [{ status: 'accepted' }] });

    // The same message sent again, stamped anew by the SDK: a duplicate.
    const resent = await post('/v1/batch', { batch: [{ type: 'track', ...track('o-1', '2026-03-01T10:00:09.000Z') }] });
    expect(await resent.json()).toMatchObject({ accepted: 0, duplicates: 1, results: [{ status: 'duplicate' }] });

    // Another order under the same messageId: refused (400 for a single call), not answered as a duplicate.
    const other = await post('/v1/track', track('o-2', '2026-03-01T10:00:01.000Z'));
    expect(other.status).toBe(400);
    expect(await other.json()).toMatchObject({ messageId, errors: [{ field: 'messageId', reason: expect.stringMatching(/used before by another message/) }] });
    const inBatch = await post('/v1/batch', { batch: [{ type: 'track', ...track('o-3', '2026-03-01T10:00:01.000Z') }] });
    expect(await inBatch.json()).toMatchObject({ accepted: 0, duplicates: 0, rejected: 1, results: [{ status: 'rejected', errors: [{ field: 'messageId' }] }] });

    const stream = (await engine.request({ method: 'GET', url: `/v1/streams/customer-${userId}/events` })).json() as { events: Array<{ data: { orderId: string } }> };
    expect(stream.events.map((event) => event.data.orderId)).toEqual(['o-1']);

    // Personal data is compared as sent, not as sealed in the store.
    const identify = (sentAt: string) => ({ messageId: `${messageId}-identify`, userId, traits: { email: 'ada@example.com', name: 'Ada' }, timestamp: '2026-03-01T10:00:00.000Z', sentAt });
    expect(await (await post('/v1/identify', identify('2026-03-01T10:00:01.000Z'))).json()).toMatchObject({ results: [{ status: 'accepted' }] });
    expect(await (await post('/v1/identify', identify('2026-03-01T10:00:05.000Z'))).json()).toMatchObject({ results: [{ status: 'duplicate' }] });
  });

  it('takes gzip bodies, and refuses a broken one or an unknown encoding', async () => {
    const userId = `c-${randomUUID()}`;
    const body = gzipSync(JSON.stringify({ batch: [{ type: 'identify', messageId: randomUUID(), userId, traits: { email: 'zip@example.com' } }] }));
    const zipped = await post('/v1/batch', body, { 'content-encoding': 'gzip', 'content-type': 'application/octet-stream' });
    expect(zipped.status).toBe(200);
    expect(await zipped.json()).toMatchObject({ accepted: 1 });
    await customerWhen(userId, (x) => x.profile.email === 'zip@example.com');

    const broken = await post('/v1/batch', body.subarray(0, body.length - 8), { 'content-encoding': 'gzip' });
    expect(broken.status).toBe(400);
    // A small body that inflates past the body limit is refused, not inflated in full.
    const bomb = gzipSync(JSON.stringify({ batch: [{ type: 'track', userId, event: 'X', properties: { pad: ' '.repeat(6 * 1024 * 1024) } }] }));
    expect(bomb.length).toBeLessThan(64 * 1024);
    expect((await post('/v1/batch', bomb, { 'content-encoding': 'gzip' })).status).toBe(413);
    const unknown = await post('/v1/batch', '{}', { 'content-encoding': 'compress' });
    expect(unknown.status).toBe(415);
    expect(unknown.headers.get('content-type')).toMatch(/problem\+json/);
  });

  it('keeps Segment limits: a message over 32 KB is refused alone, a batch over 500 KB whole', async () => {
    const userId = `c-${randomUUID()}`;
    const good = { type: 'track', messageId: randomUUID(), userId, event: 'Wishlist Shared', properties: { list: 'summer' } };
    const big = { type: 'track', messageId: randomUUID(), userId, event: 'Wishlist Shared', properties: { note: 'x'.repeat(33 * 1024) } };
    const mixed = await post('/v1/batch', { batch: [good, big] });
    expect(mixed.status).toBe(200);
    expect(await mixed.json()).toMatchObject({
      accepted: 1,
      rejected: 1,
      results: [{ index: 0, status: 'accepted' }, { index: 1, status: 'rejected', messageId: big.messageId, errors: [{ field: '', reason: expect.stringContaining('32 KB') }] }],
    });

    const many = Array.from({ length: 17 }, () => ({ ...big, messageId: randomUUID(), properties: { note: 'x'.repeat(31 * 1024) } }));
    const tooLarge = await post('/v1/batch', { batch: many });
    expect(tooLarge.status).toBe(413);
    expect(await tooLarge.json()).toMatchObject({ status: 413, errors: [{ field: 'batch', reason: expect.stringContaining('500 KB') }] });

    const single = await post('/v1/track', big);
    expect(single.status).toBe(400);
  });

  it('reports refused messages beside the accepted ones (200: the SDK does not send them again)', async () => {
    const userId = `c-${randomUUID()}`;
    const response = await post('/v1/batch', {
      batch: [
        { type: 'track', messageId: randomUUID(), userId, event: 'Order Completed', properties: { order_id: 'o-1', products: [{ sku: 'A' }] } },
        { type: 'page', messageId: randomUUID(), userId, properties: { url: 'https://shop.example/' } },
        { type: 'identify', messageId: randomUUID(), userId, traits: { email: 'not-an-email' } },
        { type: 'shout', messageId: randomUUID(), userId },
      ],
    });
    expect(response.status).toBe(200);
    const reply = (await response.json()) as { accepted: number; rejected: number; results: Array<{ status: string; errors?: Array<{ field: string }> }> };
    expect(reply).toMatchObject({ success: true, accepted: 1, rejected: 3 });
    expect(reply.results.map((r) => r.status)).toEqual(['rejected', 'accepted', 'rejected', 'rejected']);
    expect(reply.results[0]!.errors).toEqual([expect.objectContaining({ field: 'properties.products[0].price' })]);
    expect(reply.results[2]!.errors).toEqual([expect.objectContaining({ field: 'CustomerProfileUpdated.data.email' })]);
    expect(reply.results[3]!.errors).toEqual([expect.objectContaining({ field: 'type' })]);
    const metrics = (await engine.request({ method: 'GET', url: '/metrics' })).body;
    expect(metrics).toMatch(/journey_tracking_messages_total\{call="batch",outcome="rejected"\} [1-9]/);
  });

  it("a user whose id is an identity provider's (auth0|…) is tracked, read with the id URL-encoded, and forgotten", async () => {
    const userId = `auth0|${randomUUID().replaceAll('-', '')}`;
    const response = await post('/v1/batch', { batch: [{ type: 'track', messageId: randomUUID(), userId, event: 'Order Completed', properties: order('o-auth0') }], sentAt: new Date().toISOString() });
    expect(response.status).toBe(200);
    expect(((await response.json()) as { results: Array<{ status: string }> }).results).toEqual([expect.objectContaining({ status: 'accepted' })]);
    const path = `/v1/customers/${encodeURIComponent(userId)}`;
    expect((await customerWhen(encodeURIComponent(userId), (c) => c.commerce.orders === 1)).commerce.byCurrency.EUR).toMatchObject({ orders: 1, revenue: 2749 });
    const forgotten = await engine.request({ method: 'POST', url: `${path}/forget` });
    expect([forgotten.status, forgotten.json()]).toEqual([200, expect.objectContaining({ customerId: userId, subjects: [`customer-${userId}`] })]);
    expect((await engine.request({ method: 'GET', url: path })).json()).toMatchObject({ forgotten: true });
  });

  it('names the id of a refused message as Segment does (userId, anonymousId), not the customerId it would become', async () => {
    const response = await post('/v1/batch', {
      batch: [
        { type: 'track', messageId: randomUUID(), userId: 'Ada Lovelace', event: 'Signed Up' },
        { type: 'page', messageId: randomUUID(), anonymousId: 'visitor/1', properties: { url: 'https://shop.example/' } },
      ],
    });
    const reply = (await response.json()) as { results: Array<{ status: string; errors?: Array<{ field: string }> }> };
    expect(reply.results.map((r) => [r.status, r.errors?.map((e) => e.field)])).toEqual([
      ['rejected', ['userId']],
      ['rejected', ['anonymousId']],
    ]);
  });

  it('a track name with no type of its own is a CustomEvent that rules can match by name', async () => {
    const ruleId = `welcome-subscribers-${randomUUID().slice(0, 8)}`;
    const rule = {
      id: ruleId,
      name: 'Welcome newsletter subscribers',
      trigger: { event: 'CustomEvent', where: { path: 'event.data.name', op: 'eq', value: 'Newsletter Subscribed' } },
      conditions: { path: 'event.data.properties.list', op: 'eq', value: 'weekly' },
      action: { channel: 'log', target: 'welcome', template: 'Welcome to {{event.data.properties.list}}', params: {} },
    };
    const created = await engine.request({ method: 'POST', url: '/v1/rules', body: rule });
    expect([created.status, created.body]).toEqual([201, created.status === 201 ? created.body : 'a rule']);
    const userId = `c-${randomUUID()}`;
    const sent = await post('/v1/track', { messageId: randomUUID(), userId, event: 'Newsletter Subscribed', properties: { list: 'weekly' }, timestamp: new Date().toISOString() });
    expect(sent.status).toBe(200);
    await post('/v1/track', { messageId: randomUUID(), userId, event: 'Wishlist Shared', timestamp: new Date().toISOString() });
    const results = await until(async () => {
      const answer = (await engine.request({ method: 'GET', url: `/v1/rules/${ruleId}/results` })).json() as { matched: number; dispatched?: number };
      return answer.matched >= 1 ? answer : undefined;
    }, 120_000, 'the rule to match the CustomEvent');
    expect(results.matched).toBe(1);
  });

  it('takes the write key as Basic user name or as a Bearer key; refuses other roles and no key', async () => {
    const message = { messageId: randomUUID(), anonymousId: `v-${randomUUID()}`, event: 'Newsletter Subscribed' };
    expect((await post('/v1/track', message)).status).toBe(200);
    expect((await post('/v1/track', message, { authorization: `Bearer ${writeKey}` })).status).toBe(200);
    expect((await post('/v1/track', message, { authorization: '' })).status).toBe(401);
    const marketing = (await engine.request({ method: 'POST', url: '/v1/keys', body: { role: 'marketing', name: 'marketing' } })).json().key as string;
    expect((await post('/v1/track', message, { authorization: basic(marketing) })).status).toBe(403);
  });
});
