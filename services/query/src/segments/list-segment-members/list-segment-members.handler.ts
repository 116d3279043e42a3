import { Inject } from '@nestjs/common';
import { QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import type { Database } from '@journey/database';
import { DATABASE } from '@journey/platform';
import { SegmentStore, segmentMembers } from '@journey/projections';
import { asProblem } from '../segment-view';
import { ListSegmentMembersQuery, type SegmentMemberPage } from './list-segment-members.query';

@QueryHandler(ListSegmentMembersQuery)
export class ListSegmentMembersHandler implements IQueryHandler<ListSegmentMembersQuery> {
  constructor(@Inject(DATABASE) private readonly db: Database) {}

  async execute({ id, after, limit }: ListSegmentMembersQuery): Promise<SegmentMemberPage> {
    await SegmentStore.get(this.db, id).catch((error: unknown) => Promise.reject(asProblem(error)));
    const members = await segmentMembers(this.db, id, after, limit);
    return { members, next: members.length === limit ? members[members.length - 1]!.customerId : null };
  }
}
