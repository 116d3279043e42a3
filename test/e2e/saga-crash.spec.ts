import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EngineProcess, PROCESS_ADMIN_KEY } from '../support/engine-process';
import { createTestDatabase, describeWithServer, type TestDatabase } from '../support/test-database';
import { WebhookReceiver } from '../support/webhook-receiver';
import { until } from '../support/until';

describeWithServer('engine killed between delivering an action and recording it', () => {
  let t: TestDatabase;
  let folder: string;
  const receiver = new WebhookReceiver();

  beforeAll(async () => {
    t = await createTestDatabase('postgres', 2);
    folder = mkdtempSync(join(tmpdir(), 'journey-saga-'));
  });
  afterAll(async () => {
    await receiver.stop();
    await t.drop();
    rmSync(folder, { recursive: true, force: true });
  });

  it('redelivers with the same Idempotency-Key and appends ActionDispatched once', async () => {
    const base = await receiver.start();
    const rules = join(folder, 'rules.json');
    writeFileSync(
      rules,
      JSON.stringify([{ id: 'on-search', name: 'on search', trigger: { event: 'SearchPerformed' }, action: { channel: 'webhook', target: `${base}/hook`, template: '{"query": {{json event.data.query}} }' } }]),
    );
    const engine = new EngineProcess({
      DATABASE_URL: t.url!,
      JOURNEY_RULES_FILE: rules,
      JOURNEY_SAGA_TICK: '1s',
      JOURNEY_DELIVERY_TIMEOUT: '1s',
      JOURNEY_WEBHOOK_SECRET: 'secret',
      // The customer pass judges the search; the saga runtime delivers what it decided.
      JOURNEY_RFM_INTERVAL_SECONDS: '0',
    });
    await engine.start();
    // The receiver acts on the first delivery, but the engine dies before it hears back.
    let killed: Promise<void> | undefined;
    receiver.respond = async (_request, nth) => {
      if (nth === 1) {
        killed = engine.kill();
        await killed;
      }
      return 200;
    };
    const customerId = `c-${randomUUID().slice(0, 8)}`;
    const response = await fetch(`${engine.url}/v1/events`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${PROCESS_ADMIN_KEY}` },
      body: JSON.stringify({
        eventId: randomUUID(),
        type: 'SearchPerformed',
        customerId,
        occurredAt: new Date().toISOString(),
        source: 'shop',
        data: { query: 'rain jacket' },
      }),
    });
    expect(response.status).toBe(202);
    await until(() => (receiver.requests.length >= 1 && killed ? true : undefined), 120_000, 'the first delivery');
    await killed;

    await engine.start();
    await until(() => (receiver.requests.length >= 2 ? true : undefined), 120_000, 'the redelivery');
    const dispatched = await until(async () => {
      const stream = await fetch(`${engine.url}/v1/streams/customer-${customerId}/events`, { headers: engine.headers() });
      const { events } = (await stream.json()) as { events: Array<{ type: string; data: Record<string, unknown> }> };
      const found = events.filter((e) => e.type === 'ActionDispatched');
      return found.length > 0 ? found : undefined;
    }, 120_000, 'ActionDispatched');
    await new Promise((resolve) => setTimeout(resolve, 1500));
    await engine.stop();

    const keys = receiver.requests.map((r) => r.headers['idempotency-key']);
    expect(keys.length).toBeGreaterThanOrEqual(2);
    expect(new Set(keys).size).toBe(1);
    expect(receiver.requests.map((r) => r.json.query)).toEqual(keys.map(() => 'rain jacket'));
    expect(dispatched).toHaveLength(1);
    expect(dispatched[0]!.data).toMatchObject({ ruleId: 'on-search', actionId: keys[0], attempt: 2 });
  });
});
