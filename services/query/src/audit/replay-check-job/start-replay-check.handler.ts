import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import type { Database, Queryable } from '@journey/database';
import { EVENT_STORE, type EventStore } from '@journey/event-store';
import { CLOCK, CONFIG, DATABASE, type Clock, type JourneyConfig } from '@journey/platform';
import { replayCheck } from '@journey/projections';
import { REPLAY_JOBS, type ReplayJob, type ReplayJobs } from './replay-jobs';
import { StartReplayCheckCommand } from './start-replay-check.command';

@CommandHandler(StartReplayCheckCommand)
export class StartReplayCheckHandler implements ICommandHandler<StartReplayCheckCommand> {
  constructor(
    @Inject(DATABASE) private readonly db: Database,
    @Inject(EVENT_STORE) private readonly store: EventStore<Queryable>,
    @Inject(CONFIG) private readonly config: JourneyConfig,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(REPLAY_JOBS) private readonly jobs: ReplayJobs,
  ) {}

  async execute(): Promise<ReplayJob> {
    const total = (await this.store.lastCommitted()).position;
    const { lifecycle, batchSize } = this.config.projections;
    return this.jobs.start(total, this.clock(), (onProgress) => replayCheck(this.db, this.store, { lifecycle, batchSize, onProgress }));
  }
}
