import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import type { Database, Queryable } from '@journey/database';
import { EVENT_STORE, type EventStore } from '@journey/event-store';
import { CONFIG, DATABASE, LOGGER, type JourneyConfig, type Logger } from '@journey/platform';
import { getJob, startReplayCheckJob } from '@journey/projections';
import { replayJob, type ReplayJob } from './replay-job';
import { StartReplayCheckCommand } from './start-replay-check.command';

@CommandHandler(StartReplayCheckCommand)
export class StartReplayCheckHandler implements ICommandHandler<StartReplayCheckCommand> {
  constructor(
    @Inject(DATABASE) private readonly db: Database,
    @Inject(EVENT_STORE) private readonly store: EventStore<Queryable>,
    @Inject(CONFIG) private readonly config: JourneyConfig,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  async execute(): Promise<ReplayJob> {
    const { lifecycle, batchSize } = this.config.projections;
    const start = await startReplayCheckJob(this.db, this.store, { lifecycle, batchSize }, 'api');
    // The job's end (its report, or its failure) is recorded in its row; here it is only logged.
    start.done?.then(
      (report) => this.logger.info({ job: start.id, ok: report.ok, differences: report.differences, events: report.events }, 'replay check done'),
      (error: unknown) => this.logger.error({ job: start.id, err: error }, 'replay check failed'),
    );
    const job = await getJob(this.db, start.id, 'replay-check');
    if (!job) throw new Error(`the replay-check job ${start.id} has no row in journey.jobs`);
    return replayJob(job);
  }
}
