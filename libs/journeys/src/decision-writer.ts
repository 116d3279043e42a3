import { CUSTOMER_STREAM_PREFIX } from '@journey/contracts';
import { customer360View, recordDecision, type Customer360, type CustomerPredictions, type Decision, type DecisionMemory, type DecisionRecord, type DeliveryEntry, type DerivedEvent, type Trigger } from '@journey/domain';
import type { UnitOfWork } from '@journey/event-store';
import type { Queryable } from '@journey/database';
import { render, type TemplateContext } from './rules/templates';
import type { SagaSettings } from './saga-settings';

/**
 * A timer's trigger once its wait has ended (fired, cancelled, or its customer forgotten): the
 * envelope without the event's data and metadata. Only a pending timer reads its trigger (to
 * decide and render), and the log keeps the event, its personal data sealed; the saga's copy,
 * opened, is kept no longer than the wait.
 */
export const ENDED_TRIGGER = `trigger || '{"data": {}, "metadata": {}}'::jsonb`;

/**
 * Writes what decisions record (libs/domain's recordDecision): the rows of the saga's tables
 * (decisions, timers, outbox, actions) and the derived events, all in the caller's unit of work.
 */
export class DecisionWriter {
  private readonly decisions: unknown[] = [];
  private readonly timers: unknown[] = [];
  private readonly outbox: unknown[] = [];
  private readonly actions: unknown[] = [];
  private readonly cancelled: string[] = [];
  private readonly fired: string[] = [];
  private readonly conversions: Array<{ actionId: string; by: string }> = [];
  private readonly events = new Map<string, DerivedEvent[]>();

  constructor(
    private readonly settings: SagaSettings,
    private readonly now: number,
    /** The customers' predictions, for templates (`customer.predictions.*`, `{{#each recommendations}}`). */
    private readonly predictions: ReadonlyMap<string, CustomerPredictions> = new Map(),
  ) {}

  private templateContext(customer: Customer360, trigger: Trigger, params: unknown): TemplateContext {
    const predictions = this.predictions.get(customer.customerId) ?? null;
    return {
      customer: { ...customer360View(customer, this.settings.rates), predictions },
      event: trigger.event,
      params,
      recommendations: predictions?.recommendations ?? [],
    };
  }

  /** Records a decision taken on `trigger` for `customer`; returns the memory later decisions must see. */
  apply(decision: Decision, trigger: Trigger, customer: Customer360, memory: DecisionMemory): DecisionMemory {
    const record = recordDecision(decision, trigger, customer, memory, this.now);
    const body = record.delivery ? this.render(record.delivery) : undefined;
    if (record.delivery && body === undefined) {
      // A template that cannot render for this customer suppresses its action; the pass goes on.
      const suppressed = recordDecision({ kind: 'suppress', rule: record.delivery.rule, reason: 'template_error' }, trigger, customer, memory, this.now);
      this.add(suppressed, undefined);
      return suppressed.memory;
    }
    this.add(record, body);
    return record.memory;
  }

  /** The action's body, or undefined when its template throws (a stored rule the template check now refuses). */
  private render({ rule, trigger, customer }: DeliveryEntry): string | undefined {
    try {
      return render(rule.action.template, this.templateContext(customer, trigger, rule.action.params));
    } catch {
      return undefined;
    }
  }

  /** A timer fell due and was decided again: its row is done. */
  fire(timerId: string): void {
    this.fired.push(timerId);
  }

  /**
   * Writes the rows in one statement (each table's part a data-modifying WITH, present only when
   * it has rows), then records the events for after the commit. The parts of one statement see the same snapshot, so a
   * timer or action written and settled by the same batch is written settled.
   */
  async flush(unit: UnitOfWork<Queryable>): Promise<void> {
    const cancelled = new Set(this.cancelled);
    const fired = new Set(this.fired);
    const timers = (this.timers as Array<Record<string, unknown>>).map((timer) => {
      const id = timer.id as string;
      const state = cancelled.has(id) ? 'cancelled' : fired.has(id) ? 'fired' : 'pending';
      cancelled.delete(id);
      fired.delete(id);
      return { ...timer, state };
    });
    const convertedBy = new Map(this.conversions.map((c) => [c.actionId, c.by]));
    const actions = (this.actions as Array<Record<string, unknown>>).map((action) => {
      const by = convertedBy.get(action.action_id as string);
      convertedBy.delete(action.action_id as string);
      return { ...action, converted_by: by ?? null };
    });
    const parts: string[] = [];
    const params: unknown[] = [];
    const part = (rows: readonly unknown[], sql: (param: string) => string): void => {
      if (rows.length === 0) return;
      params.push(JSON.stringify(rows));
      parts.push(`w${parts.length} AS (${sql(`$${params.length}::json`)})`);
    };
    part(
      this.decisions,
      (rows) => `INSERT INTO journey.saga_decisions (rule_id, rule_version, trigger_event_id, customer_id, decision, reason, action_id, decided_at)
       SELECT * FROM json_to_recordset(${rows}) AS x(rule_id text, rule_version int, trigger_event_id uuid, customer_id text,
         decision text, reason text, action_id uuid, decided_at timestamptz)
       ON CONFLICT DO NOTHING`,
    );
    part(
      timers,
      (rows) => `INSERT INTO journey.saga_timers (id, kind, rule_id, rule_version, customer_id, trigger_event_id, trigger, depth, since, due_at, state)
       SELECT * FROM json_to_recordset(${rows}) AS x(id uuid, kind text, rule_id text, rule_version int, customer_id text,
         trigger_event_id uuid, trigger jsonb, depth int, since timestamptz, due_at timestamptz, state text)
       ON CONFLICT (id) DO UPDATE SET kind = EXCLUDED.kind, due_at = EXCLUDED.due_at, state = EXCLUDED.state`,
    );
    part(
      this.outbox,
      (rows) => `INSERT INTO journey.outbox (action_id, rule_id, rule_version, customer_id, trigger_event_id, channel, target, body, depth, next_attempt_at, created_at)
       SELECT * FROM json_to_recordset(${rows}) AS x(action_id uuid, rule_id text, rule_version int, customer_id text,
         trigger_event_id uuid, channel text, target text, body text, depth int, next_attempt_at timestamptz, created_at timestamptz)
       ON CONFLICT (action_id) DO NOTHING`,
    );
    part(
      actions,
      (rows) => `INSERT INTO journey.saga_actions (action_id, customer_id, rule_id, rule_version, channel, at, holdout, goal_until, converted_by)
       SELECT * FROM json_to_recordset(${rows}) AS x(action_id uuid, customer_id text, rule_id text, rule_version int,
         channel text, at timestamptz, holdout boolean, goal_until timestamptz, converted_by uuid)
       ON CONFLICT (action_id) DO NOTHING`,
    );
    part(
      [...cancelled].map((id) => ({ id, state: 'cancelled' })).concat([...fired].filter((id) => !cancelled.has(id)).map((id) => ({ id, state: 'fired' }))),
      // Only a pending timer ends here: one the timers' tick fired after the pass loaded it as a
      // wait stays as the tick left it (a cancel arriving then is too late).
      (rows) => `UPDATE journey.saga_timers t SET state = x.state, trigger = ${ENDED_TRIGGER}
       FROM json_to_recordset(${rows}) AS x(id uuid, state text) WHERE t.id = x.id AND t.state = 'pending'`,
    );
    part(
      [...convertedBy].map(([action_id, by]) => ({ action_id, by })),
      (rows) => `UPDATE journey.saga_actions a SET converted_by = x.by FROM json_to_recordset(${rows}) AS x(action_id uuid, by uuid)
       WHERE a.action_id = x.action_id AND a.converted_by IS NULL`,
    );
    // (A data-modifying WITH runs to completion whether or not the query reads it.)
    if (parts.length > 0) await unit.state.query(`WITH ${parts.join(', ')} SELECT 1`, params);
    // The events are appended once the unit commits: appended in it, they would lock the
    // customers' streams for the rest of the batch and lose the stream's order to ingest writing
    // the same customer meanwhile (the batch would then run again, and again, under load).
    if (this.events.size > 0) {
      await unit.appendAfterCommit([...this.events].map(([streamId, events]) => ({ streamId, events })));
    }
  }

  private add(record: DecisionRecord, body: string | undefined): void {
    const { decision, timer, delivery, action } = record;
    if (decision) {
      this.decisions.push({
        rule_id: decision.ruleId,
        rule_version: decision.ruleVersion,
        trigger_event_id: decision.triggerEventId,
        customer_id: decision.customerId,
        decision: decision.decision,
        reason: decision.reason,
        action_id: decision.actionId,
        decided_at: decision.decidedAt,
      });
    }
    if (timer) {
      this.timers.push({
        id: timer.id,
        kind: timer.kind,
        rule_id: timer.rule.id,
        rule_version: timer.rule.version,
        customer_id: timer.customerId,
        trigger_event_id: timer.trigger.event.eventId,
        trigger: timer.trigger.event,
        depth: timer.trigger.depth,
        since: timer.trigger.event.occurredAt,
        due_at: timer.dueAt,
      });
    }
    if (delivery) {
      const { rule, trigger, customer } = delivery;
      const at = new Date(this.now).toISOString();
      this.outbox.push({
        action_id: delivery.actionId,
        rule_id: rule.id,
        rule_version: rule.version,
        customer_id: customer.customerId,
        trigger_event_id: trigger.event.eventId,
        channel: rule.action.channel,
        target: rule.action.target,
        body,
        depth: trigger.depth + 1,
        next_attempt_at: at,
        created_at: at,
      });
    }
    if (action) {
      this.actions.push({
        action_id: action.actionId,
        customer_id: action.customerId,
        rule_id: action.rule.id,
        rule_version: action.rule.version,
        channel: action.rule.action.channel,
        at: action.at,
        holdout: action.holdout,
        goal_until: action.goalUntil,
      });
    }
    if (record.cancelledTimer) this.cancelled.push(record.cancelledTimer);
    if (record.conversion) this.conversions.push(record.conversion);
    for (const event of record.events) {
      const streamId = CUSTOMER_STREAM_PREFIX + event.customerId;
      const list = this.events.get(streamId) ?? [];
      list.push(event);
      this.events.set(streamId, list);
    }
  }
}
