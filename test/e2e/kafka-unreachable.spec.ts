import { sampleEvent } from '../support/sample-events';
import { until } from '../support/until';
import { startEngine, type EngineUnderTest } from '../support/engine-app';
import { backends, createTestDatabase, type TestDatabase } from '../support/test-database';

const backend = backends()[0]!;

describe(`the engine with KAFKA_BROKERS set and no broker answering, on ${backend}`, () => {
  let t: TestDatabase | undefined;
  let engine: EngineUnderTest;

  beforeAll(async () => {
    if (backend === 'postgres') t = await createTestDatabase('postgres', 4);
    // Nothing listens on port 1: the Kafka ingest and the relay keep trying in the background.
    engine = await startEngine(backend, t?.url, { KAFKA_BROKERS: '127.0.0.1:1', JOURNEY_KAFKA_RELAY: 'on' });
  });
  afterAll(async () => {
    await t?.drop();
  });

  it('starts, takes events over HTTP and projects them while Kafka is down, and stops without waiting for the broker', async () => {
    expect((await engine.request({ method: 'GET', url: '/health' })).status).toBe(200);
    const customerId = `c-${Date.now()}`;
    const event = sampleEvent('CustomerRegistered', { customerId, occurredAt: new Date().toISOString() });
    expect((await engine.request({ method: 'POST', url: '/v1/events', body: event })).status).toBe(202);
    // The relay cannot publish it, and holds back no other reader of the log.
    await until(async () => ((await engine.request({ method: 'GET', url: `/v1/customers/${customerId}` })).status === 200 ? true : undefined), 120_000, 'the 360');
    // Long enough for a first connection attempt to fail and the next one to be under way.
    await new Promise((resolve) => setTimeout(resolve, 1500));
    const closing = performance.now();
    await engine.close();
    // kafkajs would retry for minutes; stopping must not wait for it (a wide ceiling, not a budget).
    expect(performance.now() - closing).toBeLessThan(30_000);
  });
});
