import { Command } from '@nestjs/cqrs';

/** Validate and save the rules of a JSON file: a new version only where a rule changed. */
export class LoadRulesCommand extends Command<ReadonlyArray<{ readonly id: string; readonly changed: boolean }>> {
  constructor(readonly file: string) {
    super();
  }
}
