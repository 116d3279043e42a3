import { Command } from '@nestjs/cqrs';
import type { PredictProgress, PredictReport } from '@journey/projections';

/** Fit the purchase models and score every customer now, as the schedule would. */
export class RunPredictionsCommand extends Command<PredictReport> {
  constructor(
    /** What started the run (`api`, `cli`, `schedule`), recorded on its ModelFitted. */
    readonly trigger: string,
    /** Called as each phase moves, with what is done of its total. */
    readonly onProgress?: PredictProgress,
  ) {
    super();
  }
}
