import { randomUUID } from 'node:crypto';
import { getJob, INTERRUPTED, listJobs, markInterruptedJobs, runRecordedJob, startReplayCheckJob, type JobView } from '@journey/projections';
import { ProjectionHarness, purchase } from '../support/projection-harness';
import { backends, createTestDatabase, type TestDatabase } from '../support/test-database';
import { until } from '../support/until';

const NOW = Date.parse('2026-06-01T00:00:00Z');

describe.each(backends())('the replay check as a job of journey.jobs on %s', (backend) => {
  let t: TestDatabase;
  let h: ProjectionHarness;
  const options = () => ({ lifecycle: h.options.lifecycle, batchSize: 20 });
  /** The running row a process leaves when it is killed mid-job: it never reports again. */
  const orphan = async (silentForMs: number): Promise<string> => {
    const id = randomUUID();
    await t.db.query(
      `INSERT INTO journey.jobs (id, kind, state, trigger, total, done, started_at, updated_at)
       VALUES ($1, 'replay-check', 'running', 'api', 100, 40, now() - make_interval(secs => $2::double precision / 1000), now() - make_interval(secs => $2::double precision / 1000))`,
      [id, silentForMs],
    );
    return id;
  };

  beforeAll(async () => {
    t = await createTestDatabase(backend);
    h = new ProjectionHarness(t.db);
    h.start();
    h.now = new Date(NOW);
    const events = [];
    for (let i = 0; i < 40; i++) for (let k = 0; k < 3; k++) events.push(purchase(`r-${i}`, new Date(NOW - (i + k * 30) * 86_400_000).toISOString(), 1000 + i));
    await h.publish(...events);
    await h.settle();
  });
  afterAll(async () => {
    await h.close();
    await t.drop();
  });

  it('records the check: running with events replayed of about how many, then done with its report; one at a time', async () => {
    const seen: Array<Promise<JobView | undefined>> = [];
    const start = await startReplayCheckJob(t.db, h.store, options(), 'api');
    expect(start.started).toBe(true);
    // While it runs, starting another answers the running one.
    const again = await startReplayCheckJob(t.db, h.store, options(), 'api');
    expect(again).toEqual({ id: start.id, started: false });
    seen.push(getJob(t.db, start.id, 'replay-check'));
    const report = await start.done!;
    expect(report).toMatchObject({ ok: true, differences: 0 });
    expect(await seen[0]).toMatchObject({ kind: 'replay-check', state: 'running', trigger: 'api' });
    const job = await getJob(t.db, start.id, 'replay-check');
    expect(job).toMatchObject({ state: 'done', progress: 1, error: null, report: { ok: true, differences: 0, events: report.events } });
    expect(job!.total).toBeGreaterThanOrEqual(report.events);
    // Another process (any reader of journey.jobs) lists it among the long jobs.
    expect((await listJobs(t.db, { kind: 'replay-check', limit: 5 })).map((listed) => listed.id)).toContain(start.id);
    expect(await getJob(t.db, start.id, 'prediction-fit')).toBeUndefined();
    expect(await getJob(t.db, 'no-such-job')).toBeUndefined();
  });

  it('records a check whose process stopped as interrupted, and a new check is not kept waiting by it', async () => {
    const lost = await orphan(120_000);
    const alive = await orphan(1_000);
    expect(await markInterruptedJobs(t.db, 60_000)).toEqual([lost]);
    expect(await getJob(t.db, lost)).toMatchObject({ state: 'failed', error: INTERRUPTED, done: 40 });
    expect((await getJob(t.db, lost))!.finishedAt).not.toBeNull();
    expect(await getJob(t.db, alive)).toMatchObject({ state: 'running', error: null });

    // A check silent for longer than the silence no longer holds the place of the running one.
    const start = await startReplayCheckJob(t.db, h.store, options(), 'api', 500);
    expect(start).toMatchObject({ started: true });
    expect(start.id).not.toBe(alive);
    await start.done;
    expect(await getJob(t.db, alive)).toMatchObject({ state: 'failed', error: INTERRUPTED });
  });

  it('touches the row of a running job that has nothing new to report, so that a silent row means a stopped process', async () => {
    const id = randomUUID();
    await t.db.query(`INSERT INTO journey.jobs (id, kind, state, trigger, total, updated_at) VALUES ($1, 'replay-check', 'running', 'api', 10, now() - interval '1 hour')`, [id]);
    let finish: () => void = () => undefined;
    const running = runRecordedJob(t.db, id, 10, () => new Promise<{ events: number }>((resolve) => (finish = () => resolve({ events: 10 }))), (result) => result, 50);
    await until(async () => {
      const job = await getJob(t.db, id);
      return job && Date.now() - Date.parse(job.updatedAt) < 60_000 ? true : undefined;
    }, 60_000, 'a heartbeat of the running job');
    expect(await markInterruptedJobs(t.db, 60_000)).not.toContain(id);
    finish();
    await running;
    expect(await getJob(t.db, id)).toMatchObject({ state: 'done', done: 10, report: { events: 10 } });
  });
});
