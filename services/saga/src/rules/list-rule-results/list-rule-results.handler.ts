import { Inject } from '@nestjs/common';
import { QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import type { Database } from '@journey/database';
import { ruleResults, type RuleResults } from '@journey/journeys';
import { DATABASE } from '@journey/platform';
import { ListRuleResultsQuery } from './list-rule-results.query';

@QueryHandler(ListRuleResultsQuery)
export class ListRuleResultsHandler implements IQueryHandler<ListRuleResultsQuery> {
  constructor(@Inject(DATABASE) private readonly db: Database) {}

  async execute(): Promise<{ results: RuleResults[] }> {
    return { results: await ruleResults(this.db) };
  }
}
