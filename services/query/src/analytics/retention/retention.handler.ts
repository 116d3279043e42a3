import { Inject } from '@nestjs/common';
import { QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { EVENT_STORE, type EventStore } from '@journey/event-store';
import { CLOCK, type Clock } from '@journey/platform';
import { retention } from '../analytics';
import { period } from '../period';
import { RetentionQuery, type RetentionReport } from './retention.query';

@QueryHandler(RetentionQuery)
export class RetentionHandler implements IQueryHandler<RetentionQuery> {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async execute({ from, to }: RetentionQuery): Promise<RetentionReport> {
    const range = period(from, to, this.clock(), 365);
    return { period: range, cohorts: await retention(this.store, range) };
  }
}
