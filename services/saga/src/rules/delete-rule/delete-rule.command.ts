import { Command } from '@nestjs/cqrs';

/** Delete a rule: a last version marked deleted, so its history stays. */
export class DeleteRuleCommand extends Command<void> {
  constructor(readonly id: string) {
    super();
  }
}
