import { Command } from '@nestjs/cqrs';
import type { SegmentSaved } from '../segment-view';

/** Create a segment from its JSON definition (its id must be new) and backfill it over every customer. */
export class CreateSegmentCommand extends Command<SegmentSaved> {
  constructor(readonly definition: unknown) {
    super();
  }
}
