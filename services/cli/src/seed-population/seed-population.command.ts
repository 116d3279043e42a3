import { Command } from '@nestjs/cqrs';
import type { SeedOptions, SeedReport } from '../seed/seed';

/** Generate a customer population and append its events through ingest's own use case. */
export class SeedPopulationCommand extends Command<SeedReport> {
  constructor(
    readonly options: SeedOptions,
    /** The present the population's history ends at (unless `options.until`). */
    readonly now: Date,
  ) {
    super();
  }
}
