import { randomUUID } from 'node:crypto';
import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import type { Database } from '@journey/database';
import { CLOCK, DATABASE, type Clock } from '@journey/platform';
import { SegmentStore, segmentSizes, startBackfill } from '@journey/projections';
import { asProblem, segmentView, type SegmentSaved } from '../segment-view';
import { UpdateSegmentCommand } from './update-segment.command';

@CommandHandler(UpdateSegmentCommand)
export class UpdateSegmentHandler implements ICommandHandler<UpdateSegmentCommand> {
  constructor(
    @Inject(DATABASE) private readonly db: Database,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async execute({ id, definition }: UpdateSegmentCommand): Promise<SegmentSaved> {
    try {
      return await this.db.transaction(async (tx) => {
        const { record, changed } = await SegmentStore.save(tx, definition, { create: false, id });
        const size = (await segmentSizes(tx, [id])).get(id) ?? 0;
        if (!changed) return { ...segmentView(record, size), changed };
        const job = await startBackfill(tx, id, record.segment.version, randomUUID(), this.clock());
        return { ...segmentView(record, size), changed, job };
      });
    } catch (error) {
      throw asProblem(error);
    }
  }
}
