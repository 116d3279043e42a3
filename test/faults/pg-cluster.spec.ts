import { existsSync } from 'node:fs';
import { Client } from 'pg';
import { describeWithCluster, PgCluster } from './support/pg-cluster';

describeWithCluster('a private PostgreSQL cluster for fault tests', () => {
  let cluster: PgCluster;

  beforeAll(async () => {
    cluster = await PgCluster.create();
  }, 180_000);
  afterAll(async () => {
    await cluster?.cleanup();
  }, 180_000);

  it('runs on a port of its own, never the shared 5432', async () => {
    expect(cluster.port).not.toBe(5432);
    const [row] = await cluster.query<{ port: string; version: string }>(`SELECT current_setting('port') AS port, current_setting('server_version_num') AS version`);
    expect(Number(row!.port)).toBe(cluster.port);
    expect(Number(row!.version)).toBeGreaterThanOrEqual(150000);
  });

  it('ends the sessions of one application name and leaves the others', async () => {
    const url = await cluster.createDatabase('harness_terminate');
    const victim = new Client({ connectionString: url, application_name: 'journey-victim' });
    const bystander = new Client({ connectionString: url, application_name: 'journey-bystander' });
    const victimErrors: Error[] = [];
    victim.on('error', (error) => victimErrors.push(error));
    await victim.connect();
    await bystander.connect();
    try {
      expect(await cluster.terminate('journey-victim')).toBe(1);
      await expect(victim.query('SELECT 1')).rejects.toThrow();
      await expect(bystander.query('SELECT 1')).resolves.toBeDefined();
    } finally {
      await victim.end().catch(() => undefined);
      await bystander.end();
    }
  });

  it('stops fast and immediately, starts again on the same port, and keeps committed data', async () => {
    const url = await cluster.createDatabase('harness_restart');
    await cluster.query('CREATE TABLE kept (n int)', [], 'harness_restart');
    await cluster.query('INSERT INTO kept VALUES (1)', [], 'harness_restart');
    for (const mode of ['fast', 'immediate'] as const) {
      await cluster.stop(mode);
      expect(await cluster.isRunning()).toBe(false);
      await expect(cluster.query('SELECT 1')).rejects.toThrow();
      await cluster.start();
      expect(url).toBe(cluster.url('harness_restart'));
      expect(await cluster.query('SELECT n FROM kept', [], 'harness_restart')).toEqual([{ n: 1 }]);
    }
    await cluster.restart('immediate');
    expect(await cluster.isRunning()).toBe(true);
  }, 180_000);

  it('removes its folder on cleanup', async () => {
    const other = await PgCluster.create();
    expect(existsSync(other.dir)).toBe(true);
    await other.cleanup();
    expect(existsSync(other.dir)).toBe(false);
    expect(await other.isRunning()).toBe(false);
  }, 180_000);
});
