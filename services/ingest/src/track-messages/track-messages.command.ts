import { Command } from '@nestjs/cqrs';
import type { SegmentCall } from './segment-message';
import type { TrackReply } from './track-reply';

/** Messages an app sent through the Segment-compatible API: one call, or a batch of calls. */
export class TrackMessagesCommand extends Command<TrackReply> {
  constructor(
    /** `batch`, or the call the route names (a single message's own `type` is ignored). */
    readonly call: SegmentCall | 'batch',
    /** The request body as received, validated by the handler. */
    readonly body: unknown,
  ) {
    super();
  }
}
