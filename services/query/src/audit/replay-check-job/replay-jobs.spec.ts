import type { ReplayReport } from '@journey/projections';
import { ReplayJobs } from './replay-jobs';

const report = (events: number): ReplayReport => ({ ok: true, position: { commit: 1, position: events }, events, seconds: 1, counts: { live: { customers: 1, visitors: 0 }, replayed: { customers: 1, visitors: 0 } }, differences: 0, first: [] });

describe('replay-check jobs', () => {
  it('report progress while they run, and the report once done', async () => {
    const jobs = new ReplayJobs();
    let progress: (events: number) => void = () => undefined;
    let finish: (value: ReplayReport) => void = () => undefined;
    const job = jobs.start(200, new Date('2026-01-01T00:00:00Z'), (onProgress) => {
      progress = onProgress;
      return new Promise((resolve) => (finish = resolve));
    });
    expect(job).toMatchObject({ status: 'running', progress: 0, total: 200 });
    progress(50);
    expect(jobs.get(job.id)).toMatchObject({ status: 'running', events: 50, progress: 0.25 });
    expect(jobs.start(200, new Date(), () => Promise.reject(new Error('not started'))).id).toBe(job.id);
    finish(report(200));
    await new Promise((resolve) => setImmediate(resolve));
    expect(jobs.get(job.id)).toMatchObject({ status: 'done', progress: 1, report: { ok: true, events: 200 } });
    expect(jobs.list().map((kept) => kept.id)).toEqual([job.id]);
  });

  it('keep the reason of a failed job', async () => {
    const jobs = new ReplayJobs();
    const job = jobs.start(10, new Date(), () => Promise.reject(new Error('database went away')));
    await new Promise((resolve) => setImmediate(resolve));
    expect(jobs.get(job.id)).toMatchObject({ status: 'failed', error: 'database went away' });
  });
});
