import { Inject } from '@nestjs/common';
import { QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import type { Database } from '@journey/database';
import { DATABASE, RequestRejectedError } from '@journey/platform';
import { getJob } from '@journey/projections';
import { replayJob, type ReplayJob } from './replay-job';
import { GetReplayCheckQuery } from './get-replay-check.query';

@QueryHandler(GetReplayCheckQuery)
export class GetReplayCheckHandler implements IQueryHandler<GetReplayCheckQuery> {
  constructor(@Inject(DATABASE) private readonly db: Database) {}

  async execute({ id }: GetReplayCheckQuery): Promise<ReplayJob> {
    const job = await getJob(this.db, id, 'replay-check');
    if (!job) throw new RequestRejectedError(404, 'Replay check not found', [{ field: 'id', reason: `no replay-check job ${id}` }]);
    return replayJob(job);
  }
}
