import { Query } from '@nestjs/cqrs';

export interface SegmentPreview {
  readonly count: number;
  readonly scanned: number;
  readonly sample: readonly string[];
}

/** How many customers a definition would hold now, and a sample of them, without saving it. */
export class PreviewSegmentQuery extends Query<SegmentPreview> {
  constructor(readonly definition: unknown) {
    super();
  }
}
