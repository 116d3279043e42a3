import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { RuleChanges } from '../rule-changes';
import { LoadRulesCommand } from './load-rules.command';

@CommandHandler(LoadRulesCommand)
export class LoadRulesHandler implements ICommandHandler<LoadRulesCommand> {
  constructor(private readonly changes: RuleChanges) {}

  execute({ file }: LoadRulesCommand): Promise<ReadonlyArray<{ readonly id: string; readonly changed: boolean }>> {
    return this.changes.loadFile(file);
  }
}
