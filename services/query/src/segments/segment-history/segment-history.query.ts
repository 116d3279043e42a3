import { Query } from '@nestjs/cqrs';
import type { SegmentDay } from '@journey/projections';

/** A segment's entries, exits and size at the end of each UTC day of a period. */
export class SegmentHistoryQuery extends Query<{ segmentId: string; days: SegmentDay[] }> {
  constructor(
    readonly id: string,
    readonly from: string,
    readonly to: string,
  ) {
    super();
  }
}
