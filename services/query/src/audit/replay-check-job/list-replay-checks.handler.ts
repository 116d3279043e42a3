import { Inject } from '@nestjs/common';
import { QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { REPLAY_JOBS, type ReplayJob, type ReplayJobs } from './replay-jobs';
import { ListReplayChecksQuery } from './list-replay-checks.query';

@QueryHandler(ListReplayChecksQuery)
export class ListReplayChecksHandler implements IQueryHandler<ListReplayChecksQuery> {
  constructor(@Inject(REPLAY_JOBS) private readonly jobs: ReplayJobs) {}

  async execute(): Promise<{ jobs: ReplayJob[] }> {
    return { jobs: this.jobs.list() };
  }
}
