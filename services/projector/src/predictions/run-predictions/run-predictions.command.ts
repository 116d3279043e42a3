import { Command } from '@nestjs/cqrs';
import type { PredictReport } from '@journey/projections';

/** Fit the purchase models and score every customer now, as the schedule would. */
export class RunPredictionsCommand extends Command<PredictReport> {
  constructor(readonly trigger: string) {
    super();
  }
}
