import { Command } from '@nestjs/cqrs';
import type { RebuildReport } from '@journey/projections';

/** The projections that can be rebuilt from the log. */
export const REBUILDABLE_PROJECTIONS = ['customer_360', 'customer_items'] as const;

/** Rebuild a projection from the whole log into shadow tables, then swap them in while reads go on; recorded in journey.jobs with its progress. */
export class RebuildProjectionCommand extends Command<RebuildReport> {
  constructor(
    readonly name: string,
    /** What started it (`cli`, `api`), recorded on its job. */
    readonly trigger: string,
    /** Called now and then with the events folded so far. */
    readonly onProgress?: (events: number) => void,
  ) {
    super();
  }
}
