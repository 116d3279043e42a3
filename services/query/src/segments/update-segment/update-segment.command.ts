import { Command } from '@nestjs/cqrs';
import type { SegmentSaved } from '../segment-view';

/** Save a segment's definition as its next version and backfill that version (nothing when unchanged). */
export class UpdateSegmentCommand extends Command<SegmentSaved> {
  constructor(
    readonly id: string,
    readonly definition: unknown,
  ) {
    super();
  }
}
