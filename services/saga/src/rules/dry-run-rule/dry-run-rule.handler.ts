import { Inject } from '@nestjs/common';
import { QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { CUSTOMER_STREAM_PREFIX, validateEvent, type JourneyEvent } from '@journey/contracts';
import type { Customer360, Rule } from '@journey/domain';
import { EVENT_STORE, type EventStore } from '@journey/event-store';
import type { Database } from '@journey/database';
import { dryRun, Saga, type DryRun, type SagaSettings } from '@journey/journeys';
import { CLOCK, DATABASE, RequestRejectedError, type Clock } from '@journey/platform';
import { liveCustomer } from '@journey/projections';
import { SAGA_SETTINGS } from '../../saga.module.tokens';
import { ruleNotFound } from '../rule-view';
import { DryRunRuleQuery } from './dry-run-rule.query';

/** How far back the customer's stream is searched for a trigger event. */
const SEARCHED = 500;

@QueryHandler(DryRunRuleQuery)
export class DryRunRuleHandler implements IQueryHandler<DryRunRuleQuery> {
  constructor(
    private readonly saga: Saga,
    @Inject(DATABASE) private readonly db: Database,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(SAGA_SETTINGS) private readonly settings: SagaSettings,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async execute({ id, customerId, event }: DryRunRuleQuery): Promise<DryRun> {
    const record = await this.saga.rules.get(id);
    if (!record) throw ruleNotFound(id);
    if (typeof customerId !== 'string') throw new RequestRejectedError(400, 'Invalid dry run', [{ field: 'customerId', reason: 'is required' }]);
    const customer = await this.customer(customerId);
    const trigger = event !== undefined ? this.given(event) : await this.latest(customerId, record.rule);
    return dryRun(this.db, this.saga.index, this.settings, record.rule, customer, trigger, this.clock());
  }

  /** The customer's 360, the state the rules judge on. */
  private async customer(customerId: string): Promise<Customer360> {
    const customer = await liveCustomer(this.db, customerId);
    if (!customer) throw new RequestRejectedError(404, 'Customer not found', [{ field: 'customerId', reason: `no customer ${customerId}` }]);
    return customer;
  }

  private given(event: unknown): JourneyEvent {
    const verdict = validateEvent(event, { now: this.clock(), allowDerived: true });
    if (!verdict.ok) throw new RequestRejectedError(400, 'Invalid event', verdict.errors.map((e) => ({ field: `event.${e.field}`, reason: e.reason })));
    return verdict.event;
  }

  private async latest(customerId: string, rule: Rule): Promise<JourneyEvent> {
    const recent = await this.store.readStream(CUSTOMER_STREAM_PREFIX + customerId, { backward: true, limit: SEARCHED });
    const event = recent.find((e) => e.type === rule.trigger.event);
    if (!event) throw new RequestRejectedError(400, 'Invalid dry run', [{ field: 'event', reason: `customer ${customerId} has no ${rule.trigger.event} event; give one` }]);
    return event;
  }
}
