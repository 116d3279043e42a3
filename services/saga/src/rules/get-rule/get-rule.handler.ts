import { QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { Saga } from '@journey/journeys';
import { ruleNotFound, ruleView, type RuleView } from '../rule-view';
import { GetRuleQuery, type RuleVersion } from './get-rule.query';

@QueryHandler(GetRuleQuery)
export class GetRuleHandler implements IQueryHandler<GetRuleQuery> {
  constructor(private readonly saga: Saga) {}

  async execute({ id }: GetRuleQuery): Promise<RuleView & { readonly versions: RuleVersion[] }> {
    const record = await this.saga.rules.get(id);
    if (!record) throw ruleNotFound(id);
    const versions = (await this.saga.rules.versions(id)).map((r) => ({ version: r.rule.version, enabled: r.rule.enabled, deleted: r.deleted, savedAt: r.savedAt }));
    return { ...ruleView(record), versions };
  }
}
