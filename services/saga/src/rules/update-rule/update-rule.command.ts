import { Command } from '@nestjs/cqrs';
import type { RuleView } from '../rule-view';

/** Save a new version of a rule (none when nothing changed); the definition's id must be the path's. */
export class UpdateRuleCommand extends Command<RuleView & { readonly changed: boolean }> {
  constructor(
    readonly id: string,
    readonly definition: unknown,
  ) {
    super();
  }
}
