import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { Controller, Get, Inject, Query } from '@nestjs/common';
import { CONFIG, positiveInteger, Roles, type JourneyConfig } from '@journey/platform';
import { DeadLetterStore, type DeadLetterRecord } from './dead-letter.store';

const MAX_PAGE = 1000;

/** The Kafka messages the ingest refused, and why, for the apps that publish them. */
@ApiTags('ingest')
@Controller('v1/dead-letters')
@Roles('ingest')
export class DeadLettersController {
  constructor(
    private readonly deadLetters: DeadLetterStore,
    @Inject(CONFIG) private readonly config: JourneyConfig,
  ) {}

  @Get()
  @ApiOperation({ summary: 'Refused Kafka messages, oldest first: where each was, its event id and type, and the reasons (the message itself is on the dead-letter topic)' })
  async list(
    @Query('after') after?: string,
    @Query('limit') limit?: string,
  ): Promise<{ deadLetterTopic: string; items: readonly DeadLetterRecord[]; next?: number }> {
    const afterId = positiveInteger('after', after, 0, 0);
    const pageSize = Math.min(positiveInteger('limit', limit, 100), MAX_PAGE);
    const items = await this.deadLetters.list(afterId, pageSize + 1);
    const page = items.slice(0, pageSize);
    const more = items.length > pageSize;
    return { deadLetterTopic: this.config.kafka.deadLetterTopic, items: page, ...(more ? { next: page[page.length - 1]!.id } : {}) };
  }
}
