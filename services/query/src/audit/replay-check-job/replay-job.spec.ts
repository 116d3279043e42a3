import type { JobView, ReplayReport } from '@journey/projections';
import { replayJob } from './replay-job';

const report: ReplayReport = { ok: true, position: { commit: 1, position: 200 }, events: 200, seconds: 1, counts: { live: { customers: 1, visitors: 0 }, replayed: { customers: 1, visitors: 0 } }, differences: 0, first: [] };
const row: JobView = { id: 'j', kind: 'replay-check', state: 'running', trigger: 'api', phase: null, done: 50, total: 200, progress: 0.25, startedAt: '2026-01-01T00:00:00.000Z', updatedAt: '2026-01-01T00:00:05.000Z', finishedAt: null, error: null, report: null };

describe('a replay-check job as the API shows it', () => {
  it('gives the events replayed of about how many while it runs', () => {
    expect(replayJob(row)).toEqual({ id: 'j', status: 'running', startedAt: row.startedAt, finishedAt: null, updatedAt: row.updatedAt, events: 50, total: 200, progress: 0.25, report: null, error: null });
  });

  it('gives the report once done, with the events it replayed', () => {
    expect(replayJob({ ...row, state: 'done', done: 200, progress: 1, finishedAt: '2026-01-01T00:01:00.000Z', report })).toMatchObject({ status: 'done', events: 200, progress: 1, report });
  });

  it('keeps the reason of a failed or interrupted check', () => {
    expect(replayJob({ ...row, state: 'failed', error: 'interrupted: the process running it stopped before it finished' })).toMatchObject({ status: 'failed', error: expect.stringMatching(/^interrupted/) });
  });
});
