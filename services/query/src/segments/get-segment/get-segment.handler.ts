import { Inject } from '@nestjs/common';
import { QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import type { Database } from '@journey/database';
import { DATABASE } from '@journey/platform';
import { backfillJobs, SegmentStore, segmentSizes } from '@journey/projections';
import { asProblem, segmentView } from '../segment-view';
import { GetSegmentQuery, type SegmentDetail } from './get-segment.query';

@QueryHandler(GetSegmentQuery)
export class GetSegmentHandler implements IQueryHandler<GetSegmentQuery> {
  constructor(@Inject(DATABASE) private readonly db: Database) {}

  async execute({ id }: GetSegmentQuery): Promise<SegmentDetail> {
    const record = await SegmentStore.get(this.db, id).catch((error: unknown) => Promise.reject(asProblem(error)));
    const size = (await segmentSizes(this.db, [id])).get(id) ?? 0;
    return { ...segmentView(record, size), jobs: await backfillJobs(this.db, id) };
  }
}
