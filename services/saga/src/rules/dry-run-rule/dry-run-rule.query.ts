import { Query } from '@nestjs/cqrs';
import type { DryRun } from '@journey/journeys';

/**
 * Which checks a rule passes for a customer: against the event given, or else against the
 * customer's latest event of the rule's trigger type. Both come as the client sent them.
 */
export class DryRunRuleQuery extends Query<DryRun> {
  constructor(
    readonly id: string,
    readonly customerId: unknown,
    readonly event: unknown,
  ) {
    super();
  }
}
