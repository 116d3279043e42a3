import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { RuleChanges } from '../rule-changes';
import type { RuleView } from '../rule-view';
import { SetRuleEnabledCommand } from './set-rule-enabled.command';

@CommandHandler(SetRuleEnabledCommand)
export class SetRuleEnabledHandler implements ICommandHandler<SetRuleEnabledCommand> {
  constructor(private readonly changes: RuleChanges) {}

  execute({ id, enabled }: SetRuleEnabledCommand): Promise<RuleView> {
    return this.changes.setEnabled(id, enabled);
  }
}
