import type { EventStore } from '@journey/event-store';
import type { Queryable } from '@journey/database';
import type { Owns } from './owned-due';
import type { RuleIndex } from './rules/rule-index';
import type { SagaSettings } from './saga-settings';

/** What the journeys' jobs (the rules decider, due timers, calendar rules) share. */
export interface SagaContext {
  readonly index: RuleIndex;
  readonly store: EventStore<Queryable>;
  readonly settings: SagaSettings;
  readonly now: () => Date;
  /** Whether this process handles the customer (the partitions its saga holds); all when absent. */
  readonly owns?: Owns;
}
