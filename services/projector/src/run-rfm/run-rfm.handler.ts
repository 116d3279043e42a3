import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { Projector, type RfmReport } from '@journey/projections';
import { RunRfmCommand } from './run-rfm.command';

@CommandHandler(RunRfmCommand)
export class RunRfmHandler implements ICommandHandler<RunRfmCommand> {
  constructor(private readonly projector: Projector) {}

  execute(): Promise<RfmReport> {
    return this.projector.runRfm();
  }
}
