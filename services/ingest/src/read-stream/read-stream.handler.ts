import { Inject } from '@nestjs/common';
import { QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { EVENT_STORE, type EventStore } from '@journey/event-store';
import { RequestRejectedError } from '@journey/platform';
import { ReadStreamQuery, type StreamPage } from './read-stream.query';

/** Reads one more event than the page holds, to know whether a next page exists. */
@QueryHandler(ReadStreamQuery)
export class ReadStreamHandler implements IQueryHandler<ReadStreamQuery> {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  async execute({ streamId, fromVersion, pageSize, until }: ReadStreamQuery): Promise<StreamPage> {
    const events = await this.store.readStream(streamId, { fromVersion, limit: pageSize + 1, until });
    if (events.length === 0 && fromVersion === 1) {
      const hint = /^(customer|visitor)-/.test(streamId) ? '' : `; stream ids are customer-<customerId> or visitor-<anonymousId>, e.g. customer-${streamId}`;
      throw new RequestRejectedError(404, 'Stream not found', [{ field: 'streamId', reason: `no events in stream ${streamId}${hint}` }]);
    }
    const page = events.slice(0, pageSize);
    const more = events.length > pageSize;
    return { streamId, events: page, ...(more ? { next: page[page.length - 1]!.streamPosition + 1 } : {}) };
  }
}
