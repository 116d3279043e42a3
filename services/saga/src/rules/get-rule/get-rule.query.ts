import { Query } from '@nestjs/cqrs';
import type { RuleView } from '../rule-view';

export interface RuleVersion {
  readonly version: number;
  readonly enabled: boolean;
  readonly deleted: boolean;
  readonly savedAt: string;
}

/** A rule's current version, and the list of all its versions. */
export class GetRuleQuery extends Query<RuleView & { readonly versions: RuleVersion[] }> {
  constructor(readonly id: string) {
    super();
  }
}
