import { Inject } from '@nestjs/common';
import { QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import type { Database } from '@journey/database';
import { ruleResults, type RuleResults } from '@journey/journeys';
import { DATABASE } from '@journey/platform';
import { CampaignResultsQuery } from './campaign-results.query';

@QueryHandler(CampaignResultsQuery)
export class CampaignResultsHandler implements IQueryHandler<CampaignResultsQuery> {
  constructor(@Inject(DATABASE) private readonly db: Database) {}

  async execute(): Promise<{ rules: RuleResults[] }> {
    return { rules: await ruleResults(this.db) };
  }
}
