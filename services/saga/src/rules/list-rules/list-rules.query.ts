import { Query } from '@nestjs/cqrs';
import type { RuleView } from '../rule-view';

/** The current version of every rule. */
export class ListRulesQuery extends Query<{ rules: RuleView[] }> {}
