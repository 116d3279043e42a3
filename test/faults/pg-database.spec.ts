import { isUnavailable, PgDatabase } from '@journey/database';
import { until } from '../support/until';
import { describeWithCluster, PgCluster } from './support/pg-cluster';

const APP = 'journey-fault-db';

describeWithCluster('the PostgreSQL adapter when its connections drop', () => {
  let cluster: PgCluster;
  let db: PgDatabase;

  beforeAll(async () => {
    cluster = await PgCluster.create();
    db = new PgDatabase({ url: cluster.url(), poolSize: 4, applicationName: APP });
  }, 180_000);
  afterAll(async () => {
    await db?.close().catch(() => undefined);
    await cluster?.cleanup();
  }, 180_000);

  it('fails a transaction whose session is ended as unavailable, without an unhandled error, and goes on', async () => {
    const failure = await db
      .transaction(async (tx) => {
        await tx.query('SELECT 1');
        // The session is idle in this transaction, checked out of the pool, when it is ended.
        expect(await cluster.terminate(APP, ['idle in transaction'])).toBe(1);
        await new Promise((resolve) => setTimeout(resolve, 200));
        await tx.query('SELECT 1');
      })
      .then(
        () => undefined,
        (error: unknown) => error,
      );
    expect(isUnavailable(failure)).toBe(true);
    await expect(db.transaction((tx) => tx.query('SELECT 2 AS two'))).resolves.toMatchObject({ rows: [{ two: 2 }] });
  });

  it('fails a statement running when the server stops immediately, then works once it is back', async () => {
    const running = db.transaction((tx) => tx.query('SELECT pg_sleep(30)')).then(
      () => undefined,
      (error: unknown) => error,
    );
    await until(async () => ((await cluster.query(`SELECT 1 FROM pg_stat_activity WHERE application_name = $1 AND state = 'active'`, [APP])).length ? true : undefined), 60_000, 'the sleep to run');
    await cluster.stop('immediate');
    expect(isUnavailable(await running)).toBe(true);
    expect(isUnavailable(await db.query('SELECT 1').catch((error: unknown) => error))).toBe(true);
    await cluster.start();
    await until(() => db.query('SELECT 1').then(() => true, () => undefined), 60_000, 'queries to work again');
  }, 180_000);

  it('listens again by itself after a restart, says so, and hears what is notified afterwards', async () => {
    const heard: string[] = [];
    let resumed = 0;
    const stop = await db.listen('fault_channel', (payload) => heard.push(payload), () => (resumed += 1));
    try {
      await db.notify('fault_channel', 'before');
      await until(() => (heard.includes('before') ? true : undefined), 60_000, 'the first notification');
      await cluster.restart('fast');
      await until(() => (resumed > 0 ? true : undefined), 120_000, 'listening to resume');
      await until(
        async () => {
          await db.notify('fault_channel', 'after').catch(() => undefined);
          return heard.includes('after') ? true : undefined;
        },
        60_000,
        'a notification after the restart',
      );
    } finally {
      await stop();
    }
  }, 240_000);

  it('keeps trying to listen through an outage longer than one retry', async () => {
    let resumed = 0;
    const stop = await db.listen('fault_outage', () => undefined, () => (resumed += 1));
    try {
      await cluster.stop('immediate');
      // Several reconnect attempts fail while the server is down.
      await new Promise((resolve) => setTimeout(resolve, 4000));
      expect(resumed).toBe(0);
      await cluster.start();
      await until(() => (resumed > 0 ? true : undefined), 120_000, 'listening to resume after the outage');
      const listening = await cluster.query(`SELECT 1 FROM pg_stat_activity WHERE application_name = 'journey-listen'`);
      expect(listening.length).toBeGreaterThan(0);
    } finally {
      await stop();
    }
  }, 240_000);
});
