import { sampleEvent } from '../support/sample-events';
import { startEngine, type EngineUnderTest } from '../support/engine-app';
import { backends, createTestDatabase, type TestDatabase } from '../support/test-database';

const backend = backends()[0]!;

describe(`the engine with its log on a KurrentDB that does not answer, read models on ${backend}`, () => {
  let t: TestDatabase | undefined;
  let engine: EngineUnderTest;

  beforeAll(async () => {
    if (backend === 'postgres') t = await createTestDatabase('postgres', 4);
    // Nothing listens on port 1: the store is selected, and every use of it finds the server down.
    engine = await startEngine(backend, t?.url, { JOURNEY_EVENT_STORE: 'kurrentdb', EVENTSTORE_URL: 'kurrentdb://127.0.0.1:1?tls=false' });
  });
  afterAll(async () => {
    await t?.drop();
  });

  it('starts, answers 503 problems for appends and reads of the log, and stops', async () => {
    expect((await engine.request({ method: 'GET', url: '/health' })).status).toBe(200);
    const event = sampleEvent('CustomerRegistered', { customerId: `c-${Date.now()}`, occurredAt: new Date().toISOString() });
    const append = await engine.request({ method: 'POST', url: '/v1/events', body: event });
    expect(append.status).toBe(503);
    expect(append.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(append.json()).toMatchObject({ status: 503, type: expect.stringMatching(/unavailable$/) });
    expect(append.headers['retry-after']).toBe('1');
    const read = await engine.request({ method: 'GET', url: '/v1/streams/customer-c-1/events' });
    expect(read.status).toBe(503);
    await engine.close();
  });
});
