import { Command } from '@nestjs/cqrs';
import type { ConsumeReport } from './consume-report';
import type { DeadLetterSink, IngestMessage } from './dead-letter';

/**
 * Ingest a run of messages of one partition. The dead-letter topic of the consumer that received
 * them travels with them: refused messages are republished there before they are recorded.
 */
export class ConsumeEventsCommand extends Command<ConsumeReport> {
  constructor(
    readonly messages: readonly IngestMessage[],
    readonly deadLetterTopic?: DeadLetterSink,
  ) {
    super();
  }
}
