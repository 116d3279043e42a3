import { Command } from '@nestjs/cqrs';
import type { RuleView } from '../rule-view';

/** Enable or disable a rule: a new version of it with that flag. */
export class SetRuleEnabledCommand extends Command<RuleView> {
  constructor(
    readonly id: string,
    readonly enabled: boolean,
  ) {
    super();
  }
}
