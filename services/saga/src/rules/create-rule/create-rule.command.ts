import { Command } from '@nestjs/cqrs';
import type { RuleView } from '../rule-view';

/** Create a rule from its JSON definition; its id must be new. */
export class CreateRuleCommand extends Command<RuleView & { readonly changed: boolean }> {
  constructor(readonly definition: unknown) {
    super();
  }
}
