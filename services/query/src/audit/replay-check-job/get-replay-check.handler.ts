import { Inject } from '@nestjs/common';
import { QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { RequestRejectedError } from '@journey/platform';
import { REPLAY_JOBS, type ReplayJob, type ReplayJobs } from './replay-jobs';
import { GetReplayCheckQuery } from './get-replay-check.query';

@QueryHandler(GetReplayCheckQuery)
export class GetReplayCheckHandler implements IQueryHandler<GetReplayCheckQuery> {
  constructor(@Inject(REPLAY_JOBS) private readonly jobs: ReplayJobs) {}

  async execute({ id }: GetReplayCheckQuery): Promise<ReplayJob> {
    const job = this.jobs.get(id);
    if (!job) throw new RequestRejectedError(404, 'Replay check not found', [{ field: 'id', reason: `no replay-check job ${id} in this process (jobs do not outlive it)` }]);
    return job;
  }
}
