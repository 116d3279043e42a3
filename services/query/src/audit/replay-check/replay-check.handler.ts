import { Inject } from '@nestjs/common';
import { QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { EVENT_STORE, type EventStore } from '@journey/event-store';
import type { Database, Queryable } from '@journey/database';
import { CONFIG, DATABASE, type JourneyConfig } from '@journey/platform';
import { replayCheck, type ReplayReport } from '@journey/projections';
import { ReplayCheckQuery } from './replay-check.query';

@QueryHandler(ReplayCheckQuery)
export class ReplayCheckHandler implements IQueryHandler<ReplayCheckQuery> {
  constructor(
    @Inject(DATABASE) private readonly db: Database,
    @Inject(EVENT_STORE) private readonly store: EventStore<Queryable>,
    @Inject(CONFIG) private readonly config: JourneyConfig,
  ) {}

  execute(): Promise<ReplayReport> {
    return replayCheck(this.db, this.store, { lifecycle: this.config.projections.lifecycle, batchSize: this.config.projections.batchSize });
  }
}
