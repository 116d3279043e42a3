import { Inject } from '@nestjs/common';
import { QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { EVENT_STORE, type EventStore } from '@journey/event-store';
import { VerifyAllQuery, type VerifyAllAnswer } from './verify-all.query';

@QueryHandler(VerifyAllQuery)
export class VerifyAllHandler implements IQueryHandler<VerifyAllQuery> {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  async execute(): Promise<VerifyAllAnswer> {
    const report = await this.store.verifyAll();
    return { ok: report.broken.length === 0, ...report };
  }
}
