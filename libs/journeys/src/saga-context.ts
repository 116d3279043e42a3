import type { EventStore } from '@journey/event-store';
import type { Queryable } from '@journey/database';
import type { RuleIndex } from './rules/rule-index';
import type { SagaSettings } from './saga-settings';

/** What the journeys' jobs (the rules decider, due timers, calendar rules) share. */
export interface SagaContext {
  readonly index: RuleIndex;
  readonly store: EventStore<Queryable>;
  readonly settings: SagaSettings;
  readonly now: () => Date;
}
