import { Inject } from '@nestjs/common';
import { QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import type { Database } from '@journey/database';
import { DATABASE, RequestRejectedError } from '@journey/platform';
import { backfillJob, type BackfillJob } from '@journey/projections';
import { GetBackfillJobQuery } from './get-backfill-job.query';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

@QueryHandler(GetBackfillJobQuery)
export class GetBackfillJobHandler implements IQueryHandler<GetBackfillJobQuery> {
  constructor(@Inject(DATABASE) private readonly db: Database) {}

  async execute({ segmentId, jobId }: GetBackfillJobQuery): Promise<BackfillJob> {
    const job = UUID.test(jobId) ? await backfillJob(this.db, jobId) : undefined;
    if (!job || job.segmentId !== segmentId) throw new RequestRejectedError(404, 'Job not found', [{ field: 'jobId', reason: `no backfill job ${jobId} of segment ${segmentId}` }]);
    return job;
  }
}
