import { Inject } from '@nestjs/common';
import { QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { PURCHASE_MODEL_STREAM } from '@journey/contracts';
import { EVENT_STORE, type EventStore, type RecordedEvent } from '@journey/event-store';
import { LatestFitQuery } from './latest-fit.query';

@QueryHandler(LatestFitQuery)
export class LatestFitHandler implements IQueryHandler<LatestFitQuery> {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  async execute(): Promise<RecordedEvent | null> {
    const [latest] = await this.store.readStream(PURCHASE_MODEL_STREAM, { backward: true, limit: 1 });
    return latest ?? null;
  }
}
