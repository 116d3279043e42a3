import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { Saga } from '@journey/journeys';
import { RequestRejectedError } from '@journey/platform';
import { RuleChanges } from '../rule-changes';
import type { RuleView } from '../rule-view';
import { CreateRuleCommand } from './create-rule.command';

@CommandHandler(CreateRuleCommand)
export class CreateRuleHandler implements ICommandHandler<CreateRuleCommand> {
  constructor(
    private readonly saga: Saga,
    private readonly changes: RuleChanges,
  ) {}

  async execute({ definition }: CreateRuleCommand): Promise<RuleView & { readonly changed: boolean }> {
    const id = (definition as { id?: unknown } | null)?.id;
    if (typeof id === 'string' && (await this.saga.rules.get(id))) {
      throw new RequestRejectedError(400, 'Rule exists', [{ field: 'id', reason: `rule ${id} exists; update it with PUT /v1/rules/${id}` }]);
    }
    return this.changes.save(definition);
  }
}
