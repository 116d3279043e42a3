import { randomUUID } from 'node:crypto';
import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import type { Database } from '@journey/database';
import { CLOCK, DATABASE, type Clock } from '@journey/platform';
import { SegmentStore, segmentSizes, startBackfill } from '@journey/projections';
import { asProblem, segmentView, type SegmentSaved } from '../segment-view';
import { ArchiveSegmentCommand } from './archive-segment.command';

@CommandHandler(ArchiveSegmentCommand)
export class ArchiveSegmentHandler implements ICommandHandler<ArchiveSegmentCommand> {
  constructor(
    @Inject(DATABASE) private readonly db: Database,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async execute({ id }: ArchiveSegmentCommand): Promise<SegmentSaved> {
    try {
      return await this.db.transaction(async (tx) => {
        const before = await SegmentStore.get(tx, id);
        const record = await SegmentStore.archive(tx, id);
        const size = (await segmentSizes(tx, [id])).get(id) ?? 0;
        if (before.archived) return { ...segmentView(record, size), changed: false };
        const job = await startBackfill(tx, id, record.segment.version, randomUUID(), this.clock());
        return { ...segmentView(record, size), changed: true, job };
      });
    } catch (error) {
      throw asProblem(error);
    }
  }
}
