import { Inject } from '@nestjs/common';
import { QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import type { Database } from '@journey/database';
import { DATABASE } from '@journey/platform';
import { listJobs } from '@journey/projections';
import { replayJob, type ReplayJob } from './replay-job';
import { ListReplayChecksQuery } from './list-replay-checks.query';

/** The replay checks listed at once. */
const KEPT = 20;

@QueryHandler(ListReplayChecksQuery)
export class ListReplayChecksHandler implements IQueryHandler<ListReplayChecksQuery> {
  constructor(@Inject(DATABASE) private readonly db: Database) {}

  async execute(): Promise<{ jobs: ReplayJob[] }> {
    return { jobs: (await listJobs(this.db, { kind: 'replay-check', limit: KEPT })).map(replayJob) };
  }
}
