import { Command } from '@nestjs/cqrs';
import type { IngestReply } from './ingest-reply';

/** Append what a client posted: one event, or a batch with optional expected versions. */
export class AppendEventsCommand extends Command<IngestReply> {
  constructor(
    /** The request body as received, validated by the handler. */
    readonly body: unknown,
    /** The `expectedVersion` query parameter of a single event, as given. */
    readonly expectedVersion?: string,
  ) {
    super();
  }
}
