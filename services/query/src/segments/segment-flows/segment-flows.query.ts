import { Query } from '@nestjs/cqrs';

export interface SegmentFlows {
  readonly from: string;
  readonly to: string;
  readonly segments: ReadonlyArray<{ readonly segmentId: string; readonly entered: number; readonly exited: number }>;
}

/** Entries and exits of every segment over a period of UTC days. */
export class SegmentFlowsQuery extends Query<SegmentFlows> {
  constructor(
    readonly from: string,
    readonly to: string,
  ) {
    super();
  }
}
