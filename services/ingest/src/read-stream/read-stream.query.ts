import { Query } from '@nestjs/cqrs';
import type { RecordedEvent } from '@journey/event-store';

export interface StreamPage {
  readonly streamId: string;
  readonly events: readonly RecordedEvent[];
  /** The position to read from for the next page, when there is one. */
  readonly next?: number;
}

/** A page of a stream's events, from a position, recorded up to an instant. */
export class ReadStreamQuery extends Query<StreamPage> {
  constructor(
    readonly streamId: string,
    readonly fromVersion: number,
    readonly pageSize: number,
    readonly until?: Date,
  ) {
    super();
  }
}
