import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { Controller, Get, Param, Query } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { INSTANT_REASON, parseInstant, positiveInteger, RequestRejectedError, Roles } from '@journey/platform';
import { ReadStreamQuery, type StreamPage } from './read-stream.query';

const MAX_PAGE = 1000;

/** A stream's events with positions and hashes, page by page (auditors' view of the log). */
@ApiTags('audit')
@Controller('v1/streams')
@Roles('auditor')
export class ReadStreamController {
  constructor(private readonly queries: QueryBus) {}

  @Get(':streamId/events')
  @ApiOperation({ summary: "The events of a stream (customer-<id> or visitor-<id>) in order, with positions and hashes, PII opened for the reader's role" })
  async read(
    @Param('streamId') streamId: string,
    @Query('from') from?: string,
    @Query('limit') limit?: string,
    @Query('until') until?: string,
  ): Promise<StreamPage> {
    const fromVersion = positiveInteger('from', from, 1);
    const pageSize = Math.min(positiveInteger('limit', limit, 100), MAX_PAGE);
    let untilDate: Date | undefined;
    if (until !== undefined) {
      untilDate = parseInstant(until);
      if (!untilDate) throw new RequestRejectedError(400, 'Invalid query', [{ field: 'until', reason: INSTANT_REASON }]);
    }
    return this.queries.execute(new ReadStreamQuery(streamId, fromVersion, pageSize, untilDate));
  }
}
