import { randomUUID } from 'node:crypto';
import { EngineProcess } from '../support/engine-process';
import { sampleEvent } from '../support/sample-events';
import { createTestDatabase, describeWithServer, type TestDatabase } from '../support/test-database';
import { until } from '../support/until';

type Health = { status: string; lag?: Record<string, { events: number; seconds: number }> };

describeWithServer('ingest admission while the pipeline lags', () => {
  let t: TestDatabase;

  beforeAll(async () => {
    t = await createTestDatabase('postgres', 2);
  });
  afterAll(async () => {
    await t.drop();
  });

  it('refuses ingest with 429 and Retry-After past the limit, shows the lag, and admits again once drained', async () => {
    const customerId = `adm-${randomUUID().slice(0, 8)}`;
    const batch = (size: number) => ({ events: Array.from({ length: size }, () => sampleEvent('PageViewed', { customerId })) });
    const limits = { JOURNEY_ADMISSION_MAX_LAG_EVENTS: '40' };

    // The customer pass takes its checkpoint; then it stops running.
    const running = new EngineProcess({ DATABASE_URL: t.url!, ...limits });
    await running.start();
    const health = async (engine: EngineProcess): Promise<Health> => (await fetch(`${engine.url}/health`)).json() as Promise<Health>;
    await until(async () => ((await health(running)).lag?.['projection:customer_360'] ? true : undefined), 10 * 60_000, 'the customer pass checkpoint');
    await running.stop();

    const stalled = new EngineProcess({ DATABASE_URL: t.url!, JOURNEY_PROJECTOR: 'off', JOURNEY_SAGA: 'off', ...limits });
    await stalled.start();
    const post = (engine: EngineProcess, body: unknown) =>
      fetch(`${engine.url}/v1/events`, { method: 'POST', headers: engine.headers(true), body: JSON.stringify(body) });
    let accepted = 0;
    const refused = await until(async () => {
      const response = await post(stalled, batch(20));
      if (response.status === 202) {
        accepted += 20;
        return undefined;
      }
      return response;
    }, 10 * 60_000, 'a refusal past the admission limit');
    expect(refused.status).toBe(429);
    expect(refused.headers.get('retry-after')).toBe('5');
    expect(refused.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    const problem = (await refused.json()) as { detail: string; consumer: string; lagEvents: number };
    // Both consumers of the log are stalled alike: the customer pass and the console's analytics aggregates.
    expect(['analytics:weekly', 'projection:customer_360']).toContain(problem.consumer);
    expect(problem.lagEvents).toBeGreaterThan(40);
    expect(problem.detail).toMatch(/events behind \(limit 40\)/);
    expect(accepted).toBeGreaterThan(40);

    // Readiness stays the database's; the lag of each consumer is shown. The lag is read at most
    // once a second: the read the refusal used may have begun before the last accepted batch committed.
    await until(async () => {
      const response = await fetch(`${stalled.url}/health`);
      expect(response.status).toBe(200);
      const shown = ((await response.json()) as Health).lag;
      return (shown?.['projection:customer_360']?.events ?? 0) >= accepted ? shown : undefined;
    }, 10 * 60_000, 'the lag of every accepted event in /health');
    const metrics = await (await fetch(`${stalled.url}/metrics`, { headers: stalled.headers() })).text();
    // /metrics gives each partition of the pass its own line; the one furthest behind holds the backlog.
    for (const consumer of ['projection:customer_360']) {
      const lines = [...metrics.matchAll(new RegExp(`^journey_consumer_lag_events\\{consumer="${consumer}(?:#\\d+/\\d+)?"\\} (\\d+)$`, 'gm'))];
      expect(lines.length).toBeGreaterThan(0);
      expect(Math.max(...lines.map((line) => Number(line[1])))).toBeGreaterThanOrEqual(accepted);
      expect(metrics).toMatch(new RegExp(`^journey_consumer_lag_seconds\\{consumer="${consumer}(?:#\\d+/\\d+)?"\\} [\\d.e-]+$`, 'm'));
    }
    const { rows } = await t.db.query<{ n: number }>("SELECT count(*)::int AS n FROM journey.events WHERE source <> 'journey'");
    expect(rows[0]!.n).toBe(accepted);
    await stalled.stop();

    // With the consumers running again, the lag drains and ingest is admitted again.
    const draining = new EngineProcess({ DATABASE_URL: t.url!, ...limits });
    await draining.start();
    const admitted = await until(async () => {
      const reply = await post(draining, batch(1));
      return reply.status === 202 ? reply : undefined;
    }, 10 * 60_000, 'admission once the consumers caught up');
    expect(admitted.status).toBe(202);
    const drained = await health(draining);
    expect(drained.lag?.['projection:customer_360']?.events).toBeLessThanOrEqual(40);
    await draining.stop();
  }, 40 * 60_000);
});
