import { Inject } from '@nestjs/common';
import { QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { CUSTOMER_STREAM_PREFIX } from '@journey/contracts';
import type { Database } from '@journey/database';
import { EVENT_STORE, type EventStore } from '@journey/event-store';
import { DATABASE, RequestRejectedError } from '@journey/platform';
import { CustomerJourneyQuery, type CustomerJourney, type JourneyDecisionEntry } from './customer-journey.query';

const MAX_DECISIONS = 500;

interface DecisionRow {
  decided_at: Date | string;
  rule_id: string;
  rule_version: number;
  trigger_event_id: string;
  decision: string;
  reason: string | null;
  action_id: string | null;
  channel: string | null;
  state: string | null;
  sent_at: Date | string | null;
}

@QueryHandler(CustomerJourneyQuery)
export class CustomerJourneyHandler implements IQueryHandler<CustomerJourneyQuery> {
  constructor(
    @Inject(DATABASE) private readonly db: Database,
    @Inject(EVENT_STORE) private readonly store: EventStore,
  ) {}

  async execute({ customerId, before, limit }: CustomerJourneyQuery): Promise<CustomerJourney> {
    const recorded = await this.store.readStream(`${CUSTOMER_STREAM_PREFIX}${customerId}`, { backward: true, limit, ...(before !== undefined ? { toVersion: before - 1 } : {}) });
    if (recorded.length === 0 && before === undefined) {
      throw new RequestRejectedError(404, 'Customer not found', [{ field: 'customerId', reason: `no events for customer ${customerId}` }]);
    }
    const events = recorded.map((event) => ({ eventId: event.eventId, type: event.type, occurredAt: event.occurredAt, streamPosition: event.streamPosition, data: event.data }));
    const oldest = events[events.length - 1];
    const full = events.length === limit && oldest !== undefined && oldest.streamPosition > 1;
    // The decisions come with the first page (the saga decides when it handles an event, which
    // for a replayed or seeded history is long after the event occurred).
    const { rows } =
      before !== undefined
        ? { rows: [] }
        : await this.db.query<DecisionRow>(
            `SELECT d.decided_at, d.rule_id, d.rule_version, d.trigger_event_id, d.decision, d.reason, d.action_id, o.channel, o.state, o.sent_at
             FROM journey.saga_decisions d LEFT JOIN journey.outbox o ON o.action_id = d.action_id
             WHERE d.customer_id = $1 ORDER BY d.decided_at DESC LIMIT $2`,
            [customerId, MAX_DECISIONS],
          );
    const decisions = rows.map(
      (row): JourneyDecisionEntry => ({
        decidedAt: new Date(row.decided_at).toISOString(),
        ruleId: row.rule_id,
        ruleVersion: Number(row.rule_version),
        triggerEventId: row.trigger_event_id,
        decision: row.decision,
        reason: row.reason,
        action: row.action_id && row.channel ? { actionId: row.action_id, channel: row.channel, state: row.state ?? 'pending', sentAt: row.sent_at ? new Date(row.sent_at).toISOString() : null } : null,
      }),
    );
    return { customerId, events, decisions, next: full ? oldest.streamPosition : null };
  }
}
