import { ApiTags } from '@nestjs/swagger';
import { Controller, Get, Inject, Param, Query } from '@nestjs/common';
import { EVENT_STORE, type EventStore, type RecordedEvent } from '@journey/event-store';
import { INSTANT_REASON, parseInstant, positiveInteger, RequestRejectedError, Roles } from '@journey/platform';

const MAX_PAGE = 1000;

/** A stream's events with positions and hashes, page by page (auditors' view of the log). */
@ApiTags('audit')
@Controller('v1/streams')
@Roles('auditor')
export class ReadStreamController {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  @Get(':streamId/events')
  async read(
    @Param('streamId') streamId: string,
    @Query('from') from?: string,
    @Query('limit') limit?: string,
    @Query('until') until?: string,
  ): Promise<{ streamId: string; events: readonly RecordedEvent[]; next?: number }> {
    const fromVersion = positiveInteger('from', from, 1);
    const pageSize = Math.min(positiveInteger('limit', limit, 100), MAX_PAGE);
    let untilDate: Date | undefined;
    if (until !== undefined) {
      untilDate = parseInstant(until);
      if (!untilDate) throw new RequestRejectedError(400, 'Invalid query', [{ field: 'until', reason: INSTANT_REASON }]);
    }
    const events = await this.store.readStream(streamId, { fromVersion, limit: pageSize + 1, until: untilDate });
    if (events.length === 0 && fromVersion === 1) {
      throw new RequestRejectedError(404, 'Stream not found', [{ field: 'streamId', reason: `no events in stream ${streamId}` }]);
    }
    const page = events.slice(0, pageSize);
    const more = events.length > pageSize;
    return { streamId, events: page, ...(more ? { next: page[page.length - 1]!.streamPosition + 1 } : {}) };
  }
}
