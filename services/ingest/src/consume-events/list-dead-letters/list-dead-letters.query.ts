import { Query } from '@nestjs/cqrs';
import type { DeadLetterRecord } from '../dead-letter.store';

export interface DeadLetterPage {
  readonly deadLetterTopic: string;
  readonly items: readonly DeadLetterRecord[];
  /** The `after` of the next page, when there is one. */
  readonly next?: number;
}

/** The refused Kafka messages recorded after `afterId`, oldest first. */
export class ListDeadLettersQuery extends Query<DeadLetterPage> {
  constructor(
    readonly afterId: number,
    readonly pageSize: number,
  ) {
    super();
  }
}
