import { Inject } from '@nestjs/common';
import { QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import type { Database } from '@journey/database';
import { DATABASE } from '@journey/platform';
import { SegmentStore, segmentSizes } from '@journey/projections';
import { segmentView, type SegmentView } from '../segment-view';
import { ListSegmentsQuery } from './list-segments.query';

@QueryHandler(ListSegmentsQuery)
export class ListSegmentsHandler implements IQueryHandler<ListSegmentsQuery> {
  constructor(@Inject(DATABASE) private readonly db: Database) {}

  async execute({ withArchived }: ListSegmentsQuery): Promise<{ segments: SegmentView[] }> {
    const records = await SegmentStore.current(this.db, withArchived);
    const sizes = await segmentSizes(this.db);
    return { segments: records.map((record) => segmentView(record, sizes.get(record.segment.id) ?? 0)) };
  }
}
