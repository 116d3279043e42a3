import { CUSTOMER_STREAM_PREFIX, ENGINE_SOURCE, type JourneyEvent, type SuppressionReason } from '@journey/contracts';
import { customer360View, type Customer360, type Decision, type OpenGoal, type PastAction, type PendingWait, type Rule } from '@journey/domain';
import { derivedEventId, type NewEvent, type UnitOfWork } from '@journey/event-store';
import { type Queryable } from '@journey/database';
import { render } from './rules/templates';
import type { SagaSettings } from './saga-settings';

/** The trigger of a decision: an event of the log, or the daily scan's moment for a customer. */
export interface Trigger {
  readonly event: JourneyEvent;
  readonly depth: number;
}

/** The id of the action a rule version takes on a trigger: one per (rule, version, trigger). */
export function actionIdOf(rule: Rule, triggerEventId: string): string {
  return derivedEventId(rule.id, rule.version, triggerEventId);
}

/**
 * Turns decisions into rows (decisions, timers, outbox, actions) and derived events, keeping
 * in memory what later events of the same batch must see (caps, waits, goals); `flush` writes
 * it all in the caller's transaction.
 */
export class DecisionWriter {
  private readonly decisions: unknown[] = [];
  private readonly timers: unknown[] = [];
  private readonly outbox: unknown[] = [];
  private readonly actions: unknown[] = [];
  private readonly cancelled: string[] = [];
  private readonly fired: string[] = [];
  private readonly conversions: Array<{ actionId: string; by: string }> = [];
  private readonly events = new Map<string, NewEvent[]>();

  constructor(
    private readonly settings: SagaSettings,
    private readonly now: number,
  ) {}

  apply(
    decision: Decision,
    trigger: Trigger,
    customer: Customer360,
    memory: { past: PastAction[]; waits: PendingWait[]; goals: OpenGoal[] },
  ): void {
    const { event } = trigger;
    switch (decision.kind) {
      case 'dispatch': {
        const actionId = actionIdOf(decision.rule, event.eventId);
        this.decide(decision.rule, event, customer, 'dispatch', null, actionId);
        this.enqueue(decision.rule, actionId, trigger, customer);
        memory.past.push({ ruleId: decision.rule.id, channel: decision.rule.action.channel, at: this.now });
        this.sent(decision.rule, actionId, customer.customerId, false, memory);
        return;
      }
      case 'hold':
      case 'wait': {
        const actionId = actionIdOf(decision.rule, event.eventId);
        this.decide(decision.rule, event, customer, decision.kind, decision.kind === 'hold' ? 'quiet_hours' : null, actionId);
        this.schedule(decision.rule, actionId, decision.kind, decision.until, trigger, customer.customerId);
        if (decision.kind === 'wait') memory.waits.push({ timerId: actionId, rule: decision.rule, since: Date.parse(event.occurredAt) });
        return;
      }
      case 'suppress': {
        this.decide(decision.rule, event, customer, 'suppress', decision.reason, null);
        this.suppressed(decision.rule, event.eventId, decision.reason, customer.customerId, trigger.depth);
        // Holdout customers are not messaged, but their goal events count: that is the lift.
        if (decision.reason === 'holdout' && decision.rule.goal) {
          this.sent(decision.rule, actionIdOf(decision.rule, event.eventId), customer.customerId, true, memory);
        }
        return;
      }
      case 'cancel-wait': {
        this.cancelled.push(decision.timerId);
        const at = memory.waits.findIndex((w) => w.timerId === decision.timerId);
        if (at >= 0) memory.waits.splice(at, 1);
        return;
      }
      case 'convert': {
        const { goal } = decision;
        this.conversions.push({ actionId: goal.actionId, by: event.eventId });
        memory.goals.splice(memory.goals.indexOf(goal), 1);
        const purchase = event.type === 'PurchaseCompleted' ? { value: event.data.total, currency: event.data.currency } : {};
        this.append(customer.customerId, {
          eventId: derivedEventId(goal.actionId, 'ConversionAttributed'),
          type: 'ConversionAttributed',
          version: 1,
          occurredAt: event.occurredAt,
          source: ENGINE_SOURCE,
          data: { ruleId: goal.rule.id, ruleVersion: goal.rule.version, ...(goal.holdout ? {} : { actionId: goal.actionId }), conversionEventId: event.eventId, goalType: goal.rule.goal!.event, holdout: goal.holdout, ...purchase },
          metadata: { ruleId: goal.rule.id, causationId: event.eventId, depth: trigger.depth + 1 },
        });
        return;
      }
    }
  }

  /** A timer fell due and was decided again: its row is done. */
  fire(timerId: string): void {
    this.fired.push(timerId);
  }

  async flush(unit: UnitOfWork<Queryable>): Promise<void> {
    const tx = unit.state;
    const insert = async (sql: string, rows: unknown[]) => {
      if (rows.length > 0) await tx.query(sql, [JSON.stringify(rows)]);
    };
    await insert(
      `INSERT INTO journey.saga_decisions (rule_id, rule_version, trigger_event_id, customer_id, decision, reason, action_id, decided_at)
       SELECT * FROM json_to_recordset($1::json) AS x(rule_id text, rule_version int, trigger_event_id uuid, customer_id text,
         decision text, reason text, action_id uuid, decided_at timestamptz)
       ON CONFLICT DO NOTHING`,
      this.decisions,
    );
    await insert(
      `INSERT INTO journey.saga_timers (id, kind, rule_id, rule_version, customer_id, trigger_event_id, trigger, depth, since, due_at)
       SELECT * FROM json_to_recordset($1::json) AS x(id uuid, kind text, rule_id text, rule_version int, customer_id text,
         trigger_event_id uuid, trigger jsonb, depth int, since timestamptz, due_at timestamptz)
       ON CONFLICT (id) DO UPDATE SET kind = EXCLUDED.kind, due_at = EXCLUDED.due_at, state = 'pending'`,
      this.timers,
    );
    await insert(
      `INSERT INTO journey.outbox (action_id, rule_id, rule_version, customer_id, trigger_event_id, channel, target, body, depth, next_attempt_at, created_at)
       SELECT * FROM json_to_recordset($1::json) AS x(action_id uuid, rule_id text, rule_version int, customer_id text,
         trigger_event_id uuid, channel text, target text, body text, depth int, next_attempt_at timestamptz, created_at timestamptz)
       ON CONFLICT (action_id) DO NOTHING`,
      this.outbox,
    );
    await insert(
      `INSERT INTO journey.saga_actions (action_id, customer_id, rule_id, rule_version, channel, at, holdout, goal_until)
       SELECT * FROM json_to_recordset($1::json) AS x(action_id uuid, customer_id text, rule_id text, rule_version int,
         channel text, at timestamptz, holdout boolean, goal_until timestamptz)
       ON CONFLICT (action_id) DO NOTHING`,
      this.actions,
    );
    if (this.cancelled.length + this.fired.length > 0) {
      await tx.query(
        `UPDATE journey.saga_timers SET state = CASE WHEN id = ANY($1::uuid[]) THEN 'cancelled' ELSE 'fired' END
         WHERE id = ANY($1::uuid[]) OR id = ANY($2::uuid[])`,
        [this.cancelled, this.fired],
      );
    }
    if (this.conversions.length > 0) {
      await tx.query(
        `UPDATE journey.saga_actions a SET converted_by = x.by FROM json_to_recordset($1::json) AS x(action_id uuid, by uuid)
         WHERE a.action_id = x.action_id AND a.converted_by IS NULL`,
        [JSON.stringify(this.conversions.map((c) => ({ action_id: c.actionId, by: c.by })))],
      );
    }
    if (this.events.size > 0) {
      await unit.append([...this.events].map(([streamId, events]) => ({ streamId, events })));
    }
  }

  private decide(rule: Rule, event: JourneyEvent, customer: Customer360, decision: string, reason: string | null, actionId: string | null): void {
    this.decisions.push({
      rule_id: rule.id,
      rule_version: rule.version,
      trigger_event_id: event.eventId,
      customer_id: customer.customerId,
      decision,
      reason,
      action_id: actionId,
      decided_at: new Date(this.now).toISOString(),
    });
  }

  private enqueue(rule: Rule, actionId: string, trigger: Trigger, customer: Customer360): void {
    const body = render(rule.action.template, {
      customer: customer360View(customer, this.settings.rates),
      event: trigger.event,
      params: rule.action.params,
    });
    this.outbox.push({
      action_id: actionId,
      rule_id: rule.id,
      rule_version: rule.version,
      customer_id: customer.customerId,
      trigger_event_id: trigger.event.eventId,
      channel: rule.action.channel,
      target: rule.action.target,
      body,
      depth: trigger.depth + 1,
      next_attempt_at: new Date(this.now).toISOString(),
      created_at: new Date(this.now).toISOString(),
    });
  }

  private schedule(rule: Rule, actionId: string, kind: 'hold' | 'wait', until: number, trigger: Trigger, customerId: string): void {
    const dueAt = new Date(until).toISOString();
    this.timers.push({
      id: actionId,
      kind,
      rule_id: rule.id,
      rule_version: rule.version,
      customer_id: customerId,
      trigger_event_id: trigger.event.eventId,
      trigger: trigger.event,
      depth: trigger.depth,
      since: trigger.event.occurredAt,
      due_at: dueAt,
    });
    this.append(customerId, {
      eventId: derivedEventId(actionId, 'ActionScheduled', kind, dueAt),
      type: 'ActionScheduled',
      version: 1,
      occurredAt: new Date(this.now).toISOString(),
      source: ENGINE_SOURCE,
      data: { ruleId: rule.id, ruleVersion: rule.version, actionId, triggerEventId: trigger.event.eventId, channel: rule.action.channel, dueAt },
      metadata: { ruleId: rule.id, causationId: trigger.event.eventId, depth: trigger.depth + 1 },
    });
  }

  private suppressed(rule: Rule, triggerEventId: string, reason: SuppressionReason, customerId: string, depth: number): void {
    this.append(customerId, {
      eventId: derivedEventId(rule.id, rule.version, triggerEventId, 'ActionSuppressed'),
      type: 'ActionSuppressed',
      version: 1,
      occurredAt: new Date(this.now).toISOString(),
      source: ENGINE_SOURCE,
      data: { ruleId: rule.id, ruleVersion: rule.version, triggerEventId, reason },
      metadata: { ruleId: rule.id, causationId: triggerEventId, depth: depth + 1 },
    });
  }

  private sent(rule: Rule, actionId: string, customerId: string, holdout: boolean, memory: { goals: OpenGoal[] }): void {
    const goalUntil = rule.goal ? this.now + rule.goal.withinMs : null;
    this.actions.push({
      action_id: actionId,
      customer_id: customerId,
      rule_id: rule.id,
      rule_version: rule.version,
      channel: rule.action.channel,
      at: new Date(this.now).toISOString(),
      holdout,
      goal_until: goalUntil === null ? null : new Date(goalUntil).toISOString(),
    });
    if (goalUntil !== null) memory.goals.push({ actionId, rule, from: this.now, until: goalUntil, holdout });
  }

  private append(customerId: string, event: NewEvent): void {
    const streamId = CUSTOMER_STREAM_PREFIX + customerId;
    const list = this.events.get(streamId) ?? [];
    list.push(event);
    this.events.set(streamId, list);
  }
}
