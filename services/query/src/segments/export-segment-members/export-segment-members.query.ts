import { Query } from '@nestjs/cqrs';

/** A segment's members as CSV lines (header first), read a page at a time as they are sent. */
export class ExportSegmentMembersQuery extends Query<AsyncIterable<string>> {
  constructor(readonly id: string) {
    super();
  }
}
