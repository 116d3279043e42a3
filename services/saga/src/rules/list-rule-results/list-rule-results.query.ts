import { Query } from '@nestjs/cqrs';
import type { RuleResults } from '@journey/journeys';

/** Every rule's results: matched, suppressed by reason, dispatched, failed, converted, lift. */
export class ListRuleResultsQuery extends Query<{ results: RuleResults[] }> {}
