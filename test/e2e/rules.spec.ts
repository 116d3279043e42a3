import { randomUUID } from 'node:crypto';
import { API_KEYS, type ApiKeyStore } from '@journey/platform';
import { sampleEvent } from '../support/sample-events';
import { startEngine, type EngineUnderTest } from '../support/engine-app';
import { backends, createTestDatabase, type TestDatabase } from '../support/test-database';
import { until } from '../support/until';

const backend = backends()[0]!;

interface Problem {
  readonly errors: ReadonlyArray<{ readonly field: string; readonly reason: string }>;
}

describe(`the rules admin API on ${backend}`, () => {
  let t: TestDatabase | undefined;
  let engine: EngineUnderTest;
  const run = randomUUID().slice(0, 8);
  const ruleId = `thanks-${run}`;
  const customerId = `r-${run}`;
  const rule = (overrides: Record<string, unknown> = {}) => ({
    id: ruleId,
    name: 'Thank buyers',
    trigger: { event: 'PurchaseCompleted' },
    action: { channel: 'log', target: 'thanks', template: 'Thanks for order {{event.data.orderId}}', params: {} },
    ...overrides,
  });
  const request = (method: 'GET' | 'POST' | 'PUT' | 'DELETE', url: string, body?: unknown) => engine.request({ method, url, body });
  const fieldsOf = (response: { json: () => Record<string, unknown> }) => (response.json() as unknown as Problem).errors.map((e) => e.field);

  beforeAll(async () => {
    if (backend === 'postgres') t = await createTestDatabase('postgres', 4);
    engine = await startEngine(backend, t?.url, { JOURNEY_RATE_LIMITS: 'off' });
    const purchase = sampleEvent('PurchaseCompleted', { customerId, occurredAt: new Date(Date.now() - 60_000).toISOString() });
    expect((await request('POST', '/v1/events', { events: [purchase] })).status).toBe(202);
    await until(async () => ((await request('GET', `/v1/customers/${customerId}`)).status === 200 ? true : undefined), 120_000, 'the customer in the 360');
  });
  afterAll(async () => {
    await engine.close();
    await t?.drop();
  });

  it('creates a rule once (201), refuses a second create and an invalid rule naming the field (400)', async () => {
    const created = await request('POST', '/v1/rules', rule());
    expect(created.status).toBe(201);
    expect(created.json()).toMatchObject({ id: ruleId, version: 1, enabled: true, changed: true, definition: { name: 'Thank buyers' } });

    const again = await request('POST', '/v1/rules', rule());
    expect(again.status).toBe(400);
    expect(fieldsOf(again)).toEqual(['id']);

    const invalid = await request('POST', '/v1/rules', rule({ id: `other-${run}`, action: { channel: 'pigeon', target: 'x', template: 'hi' } }));
    expect(invalid.status).toBe(400);
    expect(invalid.headers['content-type']).toContain('application/problem+json');
    expect(fieldsOf(invalid)).toContain('action.channel');
  });

  it.each(['journey.events', 'journey.events.dead-letter', 'journey.integration'])(
    "refuses a Kafka action to the engine's own topic %s, which would take its messages as events with no key checked",
    async (topic) => {
      const marketing = (await engine.app.get<ApiKeyStore>(API_KEYS).create('marketing', `marketer ${topic}`)).key;
      const forged = '{"type": "PurchaseCompleted", "customerId": "someone-else", "data": {"total": 1, "currency": "EUR"}}';
      const response = await engine.request({
        method: 'POST',
        url: '/v1/rules',
        key: marketing,
        body: rule({ id: `forge-${run}`, trigger: { event: 'PageViewed' }, action: { channel: 'kafka', target: topic, template: forged } }),
      });
      expect(response.status).toBe(400);
      expect((response.json() as unknown as Problem).errors).toEqual([{ field: 'action.target', reason: expect.stringContaining("is one of the engine's own topics") }]);
    },
  );

  it('updates a rule under the id of its path, a new version only when it changed', async () => {
    const mismatch = await request('PUT', `/v1/rules/${ruleId}`, rule({ id: `else-${run}` }));
    expect(mismatch.status).toBe(400);
    expect(fieldsOf(mismatch)).toEqual(['id']);

    const same = await request('PUT', `/v1/rules/${ruleId}`, rule());
    expect(same.status).toBe(200);
    expect(same.json()).toMatchObject({ id: ruleId, version: 1, changed: false });

    const renamed = await request('PUT', `/v1/rules/${ruleId}`, rule({ name: 'Thank every buyer' }));
    expect(renamed.status).toBe(200);
    expect(renamed.json()).toMatchObject({ id: ruleId, version: 2, changed: true, definition: { name: 'Thank every buyer' } });
  });

  it('disables and enables a rule, and shows each version of it', async () => {
    const disabled = await request('POST', `/v1/rules/${ruleId}/disable`);
    expect(disabled.status).toBe(200);
    expect(disabled.json()).toMatchObject({ id: ruleId, enabled: false });
    const enabled = await request('POST', `/v1/rules/${ruleId}/enable`);
    expect(enabled.status).toBe(200);
    expect(enabled.json()).toMatchObject({ id: ruleId, enabled: true });

    const one = await request('GET', `/v1/rules/${ruleId}`);
    expect(one.status).toBe(200);
    const versions = (one.json() as { versions: Array<{ version: number; enabled: boolean; deleted: boolean }> }).versions;
    expect(versions.some((v) => !v.enabled)).toBe(true);
    expect(versions[versions.length - 1]).toMatchObject({ enabled: true, deleted: false });

    const list = await request('GET', '/v1/rules');
    expect((list.json() as { rules: Array<{ id: string }> }).rules.map((r) => r.id)).toContain(ruleId);
    expect((await request('POST', `/v1/rules/nothing-${run}/enable`)).status).toBe(404);
  });

  it('dry-runs a rule against the customer: their latest trigger event, or the event given', async () => {
    const latest = await request('POST', `/v1/rules/${ruleId}/dry-run`, { customerId });
    expect(latest.status).toBe(200);
    expect(latest.json()).toMatchObject({ ruleId, customerId, event: { type: 'PurchaseCompleted' }, trigger: { passed: true }, conditions: { passed: true } });

    const viewed = sampleEvent('ProductViewed', { customerId });
    const given = await request('POST', `/v1/rules/${ruleId}/dry-run`, { customerId, event: viewed });
    expect(given.status).toBe(200);
    expect(given.json()).toMatchObject({ event: { eventId: viewed.eventId, type: 'ProductViewed' }, trigger: { passed: false }, outcome: { kind: 'ignore' } });

    const noCustomer = await request('POST', `/v1/rules/${ruleId}/dry-run`, {});
    expect(noCustomer.status).toBe(400);
    expect(fieldsOf(noCustomer)).toEqual(['customerId']);
    const badEvent = await request('POST', `/v1/rules/${ruleId}/dry-run`, { customerId, event: { ...viewed, occurredAt: 'yesterday' } });
    expect(badEvent.status).toBe(400);
    expect(fieldsOf(badEvent)).toEqual(['event.occurredAt']);
    expect((await request('POST', `/v1/rules/${ruleId}/dry-run`, { customerId: `nobody-${run}` })).status).toBe(404);
    expect((await request('POST', `/v1/rules/nothing-${run}/dry-run`, { customerId })).status).toBe(404);
  });

  it("gives a rule's results, and every rule's", async () => {
    const one = await request('GET', `/v1/rules/${ruleId}/results`);
    expect(one.status).toBe(200);
    expect(one.json()).toMatchObject({ ruleId });
    const all = await request('GET', '/v1/rules/results');
    expect(all.status).toBe(200);
    expect(Array.isArray((all.json() as { results: unknown }).results)).toBe(true);
    expect((await request('GET', `/v1/rules/nothing-${run}/results`)).status).toBe(404);
  });

  it('deletes a rule (204), after which it is not found', async () => {
    const deleted = await request('DELETE', `/v1/rules/${ruleId}`);
    expect(deleted.status).toBe(204);
    expect(deleted.body).toBe('');
    expect((await request('GET', `/v1/rules/${ruleId}`)).status).toBe(404);
    expect((await request('DELETE', `/v1/rules/${ruleId}`)).status).toBe(404);
    expect((await request('GET', '/v1/rules')).json()).toEqual({ rules: expect.not.arrayContaining([expect.objectContaining({ id: ruleId })]) });
  });
});
