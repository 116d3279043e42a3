import { Query } from '@nestjs/cqrs';
import type { JobFilter, JobView } from '@journey/projections';

/** The long jobs (rebuilds, fits) of every process, newest first, with their progress. */
export class ListJobsQuery extends Query<{ jobs: JobView[] }> {
  constructor(readonly filter: JobFilter) {
    super();
  }
}
