import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import type { Database, Queryable } from '@journey/database';
import { EVENT_STORE, type EventStore } from '@journey/event-store';
import { CLOCK, DATABASE, type Clock } from '@journey/platform';
import { runBackfill, runningBackfills, type BackfillJob } from '@journey/projections';
import { RunBackfillCommand } from './run-backfill.command';

@CommandHandler(RunBackfillCommand)
export class RunBackfillHandler implements ICommandHandler<RunBackfillCommand> {
  constructor(
    @Inject(DATABASE) private readonly db: Database,
    @Inject(EVENT_STORE) private readonly store: EventStore<Queryable>,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async execute({ jobId, onProgress }: RunBackfillCommand): Promise<BackfillJob[]> {
    const running = (await runningBackfills(this.db)).filter((id) => jobId === undefined || id === jobId);
    const done: BackfillJob[] = [];
    for (const id of running) done.push(await runBackfill(this.store, id, { chunk: 2000, onProgress, now: this.clock }));
    return done;
  }
}
