import { seededRandom } from '@journey/predictions';
import { listJobs, rebuildCustomerProjectionJob, type JobView } from '@journey/projections';
import { ProjectionHarness, purchase } from '../support/projection-harness';
import { backends, createTestDatabase, type TestDatabase } from '../support/test-database';

const DAY = 86_400_000;
const NOW = Date.parse('2026-06-01T00:00:00Z');
const daysAgo = (days: number) => new Date(NOW - days * DAY).toISOString();

describe.each(backends())('long jobs recorded in journey.jobs on %s', (backend) => {
  let t: TestDatabase;
  let h: ProjectionHarness;
  const jobs = (kind: JobView['kind']) => listJobs(t.db, { kind, limit: 10 });

  beforeAll(async () => {
    t = await createTestDatabase(backend);
    h = new ProjectionHarness(t.db);
    h.start();
    h.now = new Date(NOW);
  });
  afterAll(async () => {
    await h.close();
    await t.drop();
  });

  it('records a fit that cannot run as failed, with the reason', async () => {
    await expect(h.projector.runPredictions('api')).rejects.toThrow(RangeError);
    const [job] = await jobs('prediction-fit');
    expect(job).toMatchObject({ state: 'failed', trigger: 'api', error: expect.stringContaining('no customer has bought yet') });
    expect(job!.finishedAt).not.toBeNull();
  });

  it('records a fit: running with its phases while it goes, then done with its report', async () => {
    const random = seededRandom(3);
    const events = [];
    for (let i = 0; i < 60; i++) {
      const first = 30 + Math.floor(random() * 600);
      events.push(purchase(`j-${i}`, daysAgo(first), 2000 + Math.floor(random() * 8000)));
      for (let k = 1; k <= Math.floor(random() * 4); k++) events.push(purchase(`j-${i}`, daysAgo(Math.max(0, first - k * 30)), 3000));
    }
    await h.publish(...events);
    await h.settle();

    const phases = new Set<string>();
    const seen: Array<Promise<JobView[]>> = [];
    const report = await h.projector.runPredictions('cli', (phase) => {
      phases.add(phase);
      seen.push(listJobs(t.db, { kind: 'prediction-fit', state: 'running', limit: 5 }));
    });
    expect([...phases]).toEqual(expect.arrayContaining(['extract', 'fit', 'score']));
    // While it ran, every process could see it running.
    const running = (await Promise.all(seen)).flat();
    expect(running.length).toBeGreaterThan(0);
    expect(running.every((job) => job.trigger === 'cli')).toBe(true);

    const [job, failed] = await jobs('prediction-fit');
    expect(job).toMatchObject({ state: 'done', trigger: 'cli', progress: 1, error: null, report: { fitId: report.fitId, customers: 60 } });
    expect(job!.phase).not.toBeNull();
    expect(Date.parse(job!.finishedAt!)).toBeGreaterThanOrEqual(Date.parse(job!.startedAt));
    expect(failed!.state).toBe('failed');
  });

  it('records a rebuild: events folded of the log, then done with every event folded', async () => {
    const { position } = await h.store.lastCommitted();
    const folded: number[] = [];
    const seen: Array<Promise<JobView[]>> = [];
    const report = await rebuildCustomerProjectionJob(
      t.db,
      h.store,
      {
        lifecycle: h.options.lifecycle,
        batchSize: 25,
        onProgress: (events) => {
          folded.push(events);
          seen.push(listJobs(t.db, { kind: 'projection-rebuild', state: 'running', limit: 5 }));
        },
      },
      'cli',
    );
    expect(folded.length).toBeGreaterThan(3);
    const running = (await Promise.all(seen)).flat();
    expect(running.length).toBeGreaterThan(0);
    expect(running.every((job) => job.total >= position && job.done <= job.total)).toBe(true);

    const [job] = await jobs('projection-rebuild');
    expect(job).toMatchObject({ state: 'done', trigger: 'cli', done: report.events, total: report.events, progress: 1, report: { events: report.events } });
    expect(report.events).toBeGreaterThan(60);
    // Listing by state leaves the others out.
    expect(await listJobs(t.db, { state: 'running', limit: 10 })).toEqual([]);
  });
});
