import { Inject } from '@nestjs/common';
import { QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import type { Database } from '@journey/database';
import { DATABASE } from '@journey/platform';
import { listJobs, type JobView } from '@journey/projections';
import { ListJobsQuery } from './list-jobs.query';

@QueryHandler(ListJobsQuery)
export class ListJobsHandler implements IQueryHandler<ListJobsQuery> {
  constructor(@Inject(DATABASE) private readonly db: Database) {}

  async execute({ filter }: ListJobsQuery): Promise<{ jobs: JobView[] }> {
    return { jobs: await listJobs(this.db, filter) };
  }
}
