import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import type { Database, Queryable } from '@journey/database';
import { EVENT_STORE, type EventStore } from '@journey/event-store';
import { CONFIG, DATABASE, RequestRejectedError, type JourneyConfig } from '@journey/platform';
import { rebuildCustomerItemsJob, rebuildCustomerProjectionJob, type RebuildReport } from '@journey/projections';
import { REBUILDABLE_PROJECTIONS, RebuildProjectionCommand } from './rebuild-projection.command';

@CommandHandler(RebuildProjectionCommand)
export class RebuildProjectionHandler implements ICommandHandler<RebuildProjectionCommand> {
  constructor(
    @Inject(DATABASE) private readonly db: Database,
    @Inject(EVENT_STORE) private readonly store: EventStore<Queryable>,
    @Inject(CONFIG) private readonly config: JourneyConfig,
  ) {}

  execute({ name, trigger, onProgress }: RebuildProjectionCommand): Promise<RebuildReport> {
    if (!(REBUILDABLE_PROJECTIONS as readonly string[]).includes(name)) {
      throw new RequestRejectedError(404, 'Projection not found', [{ field: 'name', reason: `is not a projection; they are ${REBUILDABLE_PROJECTIONS.join(', ')}` }]);
    }
    const { lifecycle, batchSize } = this.config.projections;
    if (name === 'customer_items') return rebuildCustomerItemsJob(this.db, this.store, { batchSize, onProgress }, trigger);
    return rebuildCustomerProjectionJob(this.db, this.store, { lifecycle, batchSize, onProgress }, trigger);
  }
}
