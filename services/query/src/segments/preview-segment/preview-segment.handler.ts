import { Inject } from '@nestjs/common';
import { QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { parseSegment, referencedSegments } from '@journey/domain';
import type { Database } from '@journey/database';
import { CLOCK, DATABASE, RequestRejectedError, type Clock } from '@journey/platform';
import { previewSegment, SegmentStore } from '@journey/projections';
import { PreviewSegmentQuery, type SegmentPreview } from './preview-segment.query';

@QueryHandler(PreviewSegmentQuery)
export class PreviewSegmentHandler implements IQueryHandler<PreviewSegmentQuery> {
  constructor(
    @Inject(DATABASE) private readonly db: Database,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async execute({ definition }: PreviewSegmentQuery): Promise<SegmentPreview> {
    const parsed = parseSegment(definition);
    if (!parsed.ok) throw new RequestRejectedError(400, 'Invalid segment', parsed.errors);
    const others = await SegmentStore.live(this.db);
    const known = new Set(others.map((segment) => segment.id));
    const missing = referencedSegments(parsed.segment.conditions).filter((id) => !known.has(id));
    if (missing.length > 0) throw new RequestRejectedError(400, 'Invalid segment', [{ field: 'conditions', reason: `names segments that do not exist: ${missing.join(', ')}` }]);
    return previewSegment(this.db, { ...parsed.segment, version: 0 }, others, this.clock());
  }
}

