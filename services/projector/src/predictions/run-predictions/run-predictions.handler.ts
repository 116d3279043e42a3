import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { Projector, type PredictReport } from '@journey/projections';
import { RequestRejectedError } from '@journey/platform';
import { RunPredictionsCommand } from './run-predictions.command';

@CommandHandler(RunPredictionsCommand)
export class RunPredictionsHandler implements ICommandHandler<RunPredictionsCommand> {
  constructor(private readonly projector: Projector) {}

  async execute({ trigger, onProgress }: RunPredictionsCommand): Promise<PredictReport> {
    try {
      return await this.projector.runPredictions(trigger, onProgress);
    } catch (error) {
      if (error instanceof RangeError) throw new RequestRejectedError(409, 'Nothing to fit', [{ field: 'customers', reason: error.message }]);
      throw error;
    }
  }
}
