import { Inject } from '@nestjs/common';
import { QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import type { Database } from '@journey/database';
import { DATABASE } from '@journey/platform';
import { SegmentStore, segmentMembers } from '@journey/projections';
import { asProblem } from '../segment-view';
import { ExportSegmentMembersQuery } from './export-segment-members.query';
import { MEMBER_CSV_HEADER, memberCsvLine } from './member-csv';

const PAGE = 2000;

@QueryHandler(ExportSegmentMembersQuery)
export class ExportSegmentMembersHandler implements IQueryHandler<ExportSegmentMembersQuery> {
  constructor(@Inject(DATABASE) private readonly db: Database) {}

  async execute({ id }: ExportSegmentMembersQuery): Promise<AsyncIterable<string>> {
    await SegmentStore.get(this.db, id).catch((error: unknown) => Promise.reject(asProblem(error)));
    return lines(this.db, id);
  }
}

async function* lines(db: Database, id: string): AsyncIterable<string> {
  yield MEMBER_CSV_HEADER;
  let after = '';
  for (;;) {
    const page = await segmentMembers(db, id, after, PAGE);
    for (const member of page) yield memberCsvLine(member);
    if (page.length < PAGE) return;
    after = page[page.length - 1]!.customerId;
  }
}
