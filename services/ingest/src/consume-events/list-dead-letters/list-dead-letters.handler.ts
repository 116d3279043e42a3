import { Inject } from '@nestjs/common';
import { QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { CONFIG, type JourneyConfig } from '@journey/platform';
import { DeadLetterStore } from '../dead-letter.store';
import { ListDeadLettersQuery, type DeadLetterPage } from './list-dead-letters.query';

@QueryHandler(ListDeadLettersQuery)
export class ListDeadLettersHandler implements IQueryHandler<ListDeadLettersQuery> {
  constructor(
    private readonly deadLetters: DeadLetterStore,
    @Inject(CONFIG) private readonly config: JourneyConfig,
  ) {}

  async execute({ afterId, pageSize }: ListDeadLettersQuery): Promise<DeadLetterPage> {
    const items = await this.deadLetters.list(afterId, pageSize + 1);
    const page = items.slice(0, pageSize);
    const more = items.length > pageSize;
    return { deadLetterTopic: this.config.kafka.deadLetterTopic, items: page, ...(more ? { next: page[page.length - 1]!.id } : {}) };
  }
}
