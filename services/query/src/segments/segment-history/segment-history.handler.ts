import { Inject } from '@nestjs/common';
import { QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import type { Database } from '@journey/database';
import { DATABASE } from '@journey/platform';
import { SegmentStore, segmentHistory, type SegmentDay } from '@journey/projections';
import { asProblem } from '../segment-view';
import { SegmentHistoryQuery } from './segment-history.query';

@QueryHandler(SegmentHistoryQuery)
export class SegmentHistoryHandler implements IQueryHandler<SegmentHistoryQuery> {
  constructor(@Inject(DATABASE) private readonly db: Database) {}

  async execute({ id, from, to }: SegmentHistoryQuery): Promise<{ segmentId: string; days: SegmentDay[] }> {
    await SegmentStore.get(this.db, id).catch((error: unknown) => Promise.reject(asProblem(error)));
    return { segmentId: id, days: await segmentHistory(this.db, id, from, to) };
  }
}
