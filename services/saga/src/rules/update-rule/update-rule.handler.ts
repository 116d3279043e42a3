import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { RequestRejectedError } from '@journey/platform';
import { RuleChanges } from '../rule-changes';
import type { RuleView } from '../rule-view';
import { UpdateRuleCommand } from './update-rule.command';

@CommandHandler(UpdateRuleCommand)
export class UpdateRuleHandler implements ICommandHandler<UpdateRuleCommand> {
  constructor(private readonly changes: RuleChanges) {}

  async execute({ id, definition }: UpdateRuleCommand): Promise<RuleView & { readonly changed: boolean }> {
    if ((definition as { id?: unknown } | null)?.id !== id) {
      throw new RequestRejectedError(400, 'Invalid rule', [{ field: 'id', reason: `must be ${id}, as in the path` }]);
    }
    return this.changes.save(definition);
  }
}
