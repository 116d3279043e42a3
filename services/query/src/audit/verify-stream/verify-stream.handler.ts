import { Inject } from '@nestjs/common';
import { QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { EVENT_STORE, type EventStore, type VerifyResult } from '@journey/event-store';
import { VerifyStreamQuery } from './verify-stream.query';

@QueryHandler(VerifyStreamQuery)
export class VerifyStreamHandler implements IQueryHandler<VerifyStreamQuery> {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  execute({ streamId }: VerifyStreamQuery): Promise<VerifyResult> {
    return this.store.verify(streamId);
  }
}
