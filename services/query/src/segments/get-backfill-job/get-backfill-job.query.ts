import { Query } from '@nestjs/cqrs';
import type { BackfillJob } from '@journey/projections';

/** A backfill job's progress: customers done of the total, entries and exits so far. */
export class GetBackfillJobQuery extends Query<BackfillJob> {
  constructor(
    readonly segmentId: string,
    readonly jobId: string,
  ) {
    super();
  }
}
