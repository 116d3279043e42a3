import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { RuleChanges } from '../rule-changes';
import { DeleteRuleCommand } from './delete-rule.command';

@CommandHandler(DeleteRuleCommand)
export class DeleteRuleHandler implements ICommandHandler<DeleteRuleCommand> {
  constructor(private readonly changes: RuleChanges) {}

  execute({ id }: DeleteRuleCommand): Promise<void> {
    return this.changes.delete(id);
  }
}
