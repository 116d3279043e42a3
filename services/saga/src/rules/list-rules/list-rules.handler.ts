import { QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { Saga } from '@journey/journeys';
import { ruleView, type RuleView } from '../rule-view';
import { ListRulesQuery } from './list-rules.query';

@QueryHandler(ListRulesQuery)
export class ListRulesHandler implements IQueryHandler<ListRulesQuery> {
  constructor(private readonly saga: Saga) {}

  async execute(): Promise<{ rules: RuleView[] }> {
    return { rules: (await this.saga.rules.current()).map(ruleView) };
  }
}
