import { Query } from '@nestjs/cqrs';
import type { BackfillJob } from '@journey/projections';
import type { SegmentView } from '../segment-view';

export type SegmentDetail = SegmentView & { readonly jobs: readonly BackfillJob[] };

/** One segment: its current version, size, and its latest backfill jobs. */
export class GetSegmentQuery extends Query<SegmentDetail> {
  constructor(readonly id: string) {
    super();
  }
}
