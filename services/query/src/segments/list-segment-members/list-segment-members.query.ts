import { Query } from '@nestjs/cqrs';
import type { SegmentMember } from '@journey/projections';

export interface SegmentMemberPage {
  readonly members: readonly SegmentMember[];
  /** Pass back as `after` for the next page; null on the last. */
  readonly next: string | null;
}

/** A page of a segment's members in customer id order (keyset). */
export class ListSegmentMembersQuery extends Query<SegmentMemberPage> {
  constructor(
    readonly id: string,
    readonly after: string,
    readonly limit: number,
  ) {
    super();
  }
}
