import { Command } from '@nestjs/cqrs';
import type { BackfillJob } from '@journey/projections';

/**
 * Run backfills left running to their end in this process (one job, or all of them), calling
 * `onProgress` after each chunk; the engine's projector runs them too, chunk by chunk, so the
 * two share the work safely.
 */
export class RunBackfillCommand extends Command<BackfillJob[]> {
  constructor(
    readonly jobId?: string,
    readonly onProgress?: (job: BackfillJob) => void,
  ) {
    super();
  }
}
