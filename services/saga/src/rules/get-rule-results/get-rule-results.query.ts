import { Query } from '@nestjs/cqrs';
import type { RuleResults } from '@journey/journeys';

/** One rule's results; a rule that never matched has `matched: 0` and nothing else. */
export class GetRuleResultsQuery extends Query<RuleResults | { readonly ruleId: string; readonly matched: 0 }> {
  constructor(readonly id: string) {
    super();
  }
}
