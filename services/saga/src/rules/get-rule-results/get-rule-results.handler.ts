import { Inject } from '@nestjs/common';
import { QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import type { Database } from '@journey/database';
import { ruleResults, Saga, type RuleResults } from '@journey/journeys';
import { DATABASE } from '@journey/platform';
import { ruleNotFound } from '../rule-view';
import { GetRuleResultsQuery } from './get-rule-results.query';

@QueryHandler(GetRuleResultsQuery)
export class GetRuleResultsHandler implements IQueryHandler<GetRuleResultsQuery> {
  constructor(
    private readonly saga: Saga,
    @Inject(DATABASE) private readonly db: Database,
  ) {}

  async execute({ id }: GetRuleResultsQuery): Promise<RuleResults | { readonly ruleId: string; readonly matched: 0 }> {
    if (!(await this.saga.rules.get(id))) throw ruleNotFound(id);
    const [results] = await ruleResults(this.db, id);
    return results ?? { ruleId: id, matched: 0 };
  }
}
