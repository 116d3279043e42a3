import { randomUUID } from 'node:crypto';
import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import type { Database } from '@journey/database';
import { CLOCK, DATABASE, type Clock } from '@journey/platform';
import { SegmentStore, startBackfill } from '@journey/projections';
import { asProblem, segmentView, type SegmentSaved } from '../segment-view';
import { CreateSegmentCommand } from './create-segment.command';

@CommandHandler(CreateSegmentCommand)
export class CreateSegmentHandler implements ICommandHandler<CreateSegmentCommand> {
  constructor(
    @Inject(DATABASE) private readonly db: Database,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async execute({ definition }: CreateSegmentCommand): Promise<SegmentSaved> {
    try {
      return await this.db.transaction(async (tx) => {
        const { record, changed } = await SegmentStore.save(tx, definition, { create: true });
        const job = await startBackfill(tx, record.segment.id, record.segment.version, randomUUID(), this.clock());
        return { ...segmentView(record, 0), changed, job };
      });
    } catch (error) {
      throw asProblem(error);
    }
  }
}
