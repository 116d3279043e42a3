import { Query } from '@nestjs/cqrs';
import type { SegmentView } from '../segment-view';

/** Every segment at its current version with its size now; archived ones when asked. */
export class ListSegmentsQuery extends Query<{ segments: SegmentView[] }> {
  constructor(readonly withArchived: boolean) {
    super();
  }
}
