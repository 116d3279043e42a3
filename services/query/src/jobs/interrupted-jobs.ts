import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type { Database } from '@journey/database';
import { DATABASE, LOGGER, type Logger } from '@journey/platform';
import { JOB_SILENCE_MS, markInterruptedJobs } from '@journey/projections';

/**
 * Records as interrupted the running jobs (rebuilds, fits, replay checks) whose process stopped:
 * on start, and then every half silence, since a process that crashed just before this one
 * started leaves rows that fall silent only later. A live job touches its row every heartbeat.
 */
@Injectable()
export class InterruptedJobs implements OnApplicationBootstrap, OnApplicationShutdown {
  private timer: NodeJS.Timeout | undefined;

  constructor(
    @Inject(DATABASE) private readonly db: Database,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.sweep();
    this.timer = setInterval(() => void this.sweep(), JOB_SILENCE_MS / 2);
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    clearInterval(this.timer);
  }

  private async sweep(): Promise<void> {
    try {
      const ids = await markInterruptedJobs(this.db, JOB_SILENCE_MS);
      if (ids.length > 0) this.logger.warn({ jobs: ids }, 'jobs whose process stopped recorded as interrupted');
    } catch (error) {
      this.logger.warn({ err: error }, 'could not look for interrupted jobs');
    }
  }
}
