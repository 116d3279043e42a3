import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { Controller, Get, Query } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { positiveInteger, Roles } from '@journey/platform';
import { ListDeadLettersQuery, type DeadLetterPage } from './list-dead-letters.query';

const MAX_PAGE = 1000;

/** The Kafka messages the ingest refused, and why, for the apps that publish them. */
@ApiTags('ingest')
@Controller('v1/dead-letters')
@Roles('ingest')
export class DeadLettersController {
  constructor(private readonly queries: QueryBus) {}

  @Get()
  @ApiOperation({ summary: 'Refused Kafka messages, oldest first: where each was, its event id and type, and the reasons (the message itself is on the dead-letter topic)' })
  list(@Query('after') after?: string, @Query('limit') limit?: string): Promise<DeadLetterPage> {
    const afterId = positiveInteger('after', after, 0, 0);
    const pageSize = Math.min(positiveInteger('limit', limit, 100), MAX_PAGE);
    return this.queries.execute(new ListDeadLettersQuery(afterId, pageSize));
  }
}
