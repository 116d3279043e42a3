import { sampleEvent } from '../support/sample-events';
import { EngineProcess } from '../support/engine-process';
import { until } from '../support/until';
import { describeWithCluster, PgCluster } from './support/pg-cluster';

describeWithCluster('a service started while its database is down', () => {
  let cluster: PgCluster;
  let n = 0;

  beforeAll(async () => {
    cluster = await PgCluster.create();
  }, 180_000);
  afterAll(async () => {
    await cluster?.cleanup();
  }, 180_000);

  it.each(['engine', 'ingest'] as const)('%s: waits serving 503 with Retry-After, then starts on the same port without a restart', async (service) => {
    const url = await cluster.createDatabase(`journey_start_${(n += 1)}`);
    await cluster.stop('fast');
    const engine = new EngineProcess({ DATABASE_URL: url }, service);
    try {
      // It listens (the stand-in) instead of exiting.
      await engine.start();
      const pid = engine.pid;
      const port = engine.port;
      const health = await fetch(`${engine.url}/health`);
      expect(health.status).toBe(503);
      expect(health.headers.get('retry-after')).toMatch(/^\d+$/);
      expect(await health.json()).toMatchObject({ status: 'starting' });
      const append = await fetch(`${engine.url}/v1/events`, { method: 'POST', headers: engine.headers(true), body: JSON.stringify(sampleEvent('PageViewed')) });
      expect(append.status).toBe(503);
      expect(append.headers.get('retry-after')).toMatch(/^\d+$/);
      expect(append.headers.get('content-type')).toBe('application/problem+json');
      expect(await append.json()).toMatchObject({ status: 503, type: 'urn:journey:problem:unavailable' });
      // A while later it still waits, and has logged its attempts.
      await until(() => ((engine.log.match(/database unreachable; trying again/g) ?? []).length >= 2 ? true : undefined), 120_000, 'a second attempt');
      expect(engine.pid).toBe(pid);

      await cluster.start();
      await until(async () => ((await fetch(`${engine.url}/health`).catch(() => undefined))?.status === 200 ? true : undefined), 120_000, 'health 200');
      expect(engine.pid).toBe(pid);
      expect(engine.port).toBe(port);
      const event = sampleEvent('PageViewed');
      const accepted = await fetch(`${engine.url}/v1/events`, { method: 'POST', headers: engine.headers(true), body: JSON.stringify(event) });
      expect(accepted.status).toBe(202);
      expect(engine.log).toMatch(new RegExp(`journey ${service} listening on http://[^:]+:${port}`));
    } finally {
      await engine.stop();
      if (!(await cluster.isRunning())) await cluster.start();
    }
  });
});
