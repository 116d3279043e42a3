import { Command } from '@nestjs/cqrs';
import type { SegmentSaved } from '../segment-view';

/** Archive a segment: the pass stops judging it and a job lets its members go (SegmentExited). */
export class ArchiveSegmentCommand extends Command<SegmentSaved> {
  constructor(readonly id: string) {
    super();
  }
}
