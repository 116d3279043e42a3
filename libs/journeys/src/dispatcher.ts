import { CUSTOMER_STREAM_PREFIX, type ActionChannel } from '@journey/contracts';
import { barredBy, derivedEvent, quietUntil, type Customer360, type DerivedEvent } from '@journey/domain';
import type { EventStore } from '@journey/event-store';
import type { Database, Queryable } from '@journey/database';
import { LIVE_TABLES } from '@journey/projections';
import { DeliveryError, type Channel } from './channels/channel';
import { ownedDueIds, type Owns } from './owned-due';
import type { RuleIndex } from './rules/rule-index';
import type { SagaSettings } from './saga-settings';

interface OutboxRow {
  action_id: string;
  rule_id: string;
  rule_version: number;
  customer_id: string;
  trigger_event_id: string;
  channel: ActionChannel;
  target: string;
  body: string;
  depth: number;
  attempts: number;
}

type Outcome =
  | { readonly row: OutboxRow; readonly status: 'sent' }
  | { readonly row: OutboxRow; readonly status: 'failed'; readonly error: string; readonly permanent: boolean }
  | { readonly row: OutboxRow; readonly status: 'barred'; readonly reason: 'forgotten' | 'no_consent' }
  | { readonly row: OutboxRow; readonly status: 'held'; readonly until: number };

/** What judging the customer again says of a claimed action: not to send it, or not yet. */
type Verdict = { readonly status: 'barred'; readonly reason: 'forgotten' | 'no_consent' } | { readonly status: 'held'; readonly until: number };

/** A claim's rows and the lease it took them with. */
interface Claim {
  readonly rows: OutboxRow[];
  readonly lease: string;
}

export interface DispatchReport {
  readonly delivered: number;
  readonly retried: number;
  readonly dead: number;
  /** Not sent: the customer was forgotten, or withdrew the consent the rule needs, after the decision. */
  readonly barred: number;
  /** Not sent yet: the attempt fell in the rule's quiet hours, and waits for their end. */
  readonly held: number;
}

/**
 * Delivers the outbox at least once: claims due rows with a lease (so a crash mid-delivery hands
 * them to the next round, with the same idempotency key), delivers outside any transaction, then
 * records each outcome with its event: ActionDispatched, or after the last attempt ActionFailed
 * and the dead letter. Retries back off exponentially with jitter. Before each attempt the
 * customer is judged again: an action whose customer was forgotten, or withdrew the consent its
 * rule needs, since it was decided is not sent (ActionSuppressed), and an attempt falling in the
 * rule's quiet hours (a retry backed off into the night) waits for their end. An outcome is recorded only
 * while the claim's lease holds the row: a process that stalled past it, its row claimed again
 * by another, leaves the recording to that one.
 */
export class Dispatcher {
  constructor(
    private readonly db: Database,
    private readonly store: EventStore<Queryable>,
    private readonly channels: ReadonlyMap<ActionChannel, Channel>,
    private readonly settings: SagaSettings,
    private readonly now: () => Date,
    private readonly rules: RuleIndex,
    /** Whether this process delivers the customer's actions (the partitions it holds); all when absent. */
    private readonly owns?: Owns,
  ) {}

  /**
   * Delivers everything due, batch after batch, until nothing is left: the next batch is claimed
   * and delivered while the previous one's outcomes are recorded (one recording at a time, so
   * two transactions never append to one stream at once).
   */
  async dispatchAll(limit = 500): Promise<DispatchReport> {
    const total = { delivered: 0, retried: 0, dead: 0, barred: 0, held: 0 };
    const add = (report: DispatchReport): void => {
      total.delivered += report.delivered;
      total.retried += report.retried;
      total.dead += report.dead;
      total.barred += report.barred;
      total.held += report.held;
    };
    let recording: Promise<DispatchReport> | undefined;
    try {
      for (;;) {
        const claim = await this.claim(limit);
        if (claim.rows.length === 0) break;
        const verdicts = await this.judged(claim.rows);
        const outcomes = await Promise.all(
          claim.rows.map((row): Promise<Outcome> | Outcome => {
            const verdict = verdicts.get(row.action_id);
            return verdict ? { row, ...verdict } : this.deliver(row);
          }),
        );
        if (recording) add(await recording);
        recording = this.record(outcomes, claim.lease);
        // Awaited later: until then its failure (a database gone away) must not end the process.
        recording.catch(() => undefined);
      }
    } finally {
      // A failed claim still lets the batch already delivered be recorded.
      if (recording) add(await recording);
    }
    return total;
  }

  /** Due rows, leased to this process: a crash hands them to the next claim when the lease ends. */
  private async claim(limit: number): Promise<Claim> {
    const now = this.now();
    const lease = new Date(now.getTime() + this.settings.deliveryTimeoutMs * 2 + 5000).toISOString();
    const due = `state = 'pending' AND next_attempt_at <= $1 AND (locked_until IS NULL OR locked_until <= $1)`;
    const returning = 'RETURNING o.action_id, o.rule_id, o.rule_version, o.customer_id, o.trigger_event_id, o.channel, o.target, o.body, o.depth, o.attempts';
    if (!this.owns) {
      const { rows } = await this.db.query<OutboxRow>(
        `UPDATE journey.outbox o SET locked_until = $2, attempts = o.attempts + 1
         WHERE o.action_id IN (SELECT action_id FROM journey.outbox WHERE ${due} ORDER BY next_attempt_at LIMIT $3 FOR UPDATE SKIP LOCKED)
         ${returning}`,
        [now.toISOString(), lease, limit],
      );
      return { rows, lease };
    }
    const ids = await ownedDueIds(this.db, { table: 'journey.outbox', id: 'action_id', at: 'next_attempt_at', due }, now.toISOString(), this.owns, limit);
    if (ids.length === 0) return { rows: [], lease };
    const { rows } = await this.db.query<OutboxRow>(
      `UPDATE journey.outbox o SET locked_until = $2, attempts = o.attempts + 1
       WHERE o.action_id IN (SELECT action_id FROM journey.outbox WHERE action_id = ANY($3::uuid[]) AND ${due} FOR UPDATE SKIP LOCKED)
       ${returning}`,
      [now.toISOString(), lease, ids],
    );
    return { rows, lease };
  }

  /** The claimed actions their customers no longer let through, or not yet, as the 360 holds them now. */
  private async judged(rows: readonly OutboxRow[]): Promise<Map<string, Verdict>> {
    const { rows: customers } = await this.db.query<{ customer_id: string; forgotten: boolean; consent: Customer360['consent']; timezone: string | null }>(
      `SELECT customer_id, forgotten, consent, profile->>'timezone' AS timezone FROM ${LIVE_TABLES.customers} WHERE customer_id = ANY($1::text[])`,
      [[...new Set(rows.map((row) => row.customer_id))]],
    );
    const byId = new Map(customers.map((customer) => [customer.customer_id, customer]));
    const now = this.now().getTime();
    const verdicts = new Map<string, Verdict>();
    for (const row of rows) {
      const customer = byId.get(row.customer_id);
      const rule = await this.rules.version(row.rule_id, row.rule_version);
      if (!customer || !rule) continue;
      const reason = barredBy(rule, customer);
      const quiet = rule.limits.quietHours;
      const until = quiet ? quietUntil(now, quiet.start, quiet.end, customer.timezone ?? undefined) : null;
      if (reason) verdicts.set(row.action_id, { status: 'barred', reason });
      else if (until !== null) verdicts.set(row.action_id, { status: 'held', until });
    }
    return verdicts;
  }

  private async deliver(row: OutboxRow): Promise<Outcome> {
    const channel = this.channels.get(row.channel);
    if (!channel) return { row, status: 'failed', error: `channel ${row.channel} is not active in this process`, permanent: false };
    try {
      await channel.deliver({
        actionId: row.action_id,
        customerId: row.customer_id,
        ruleId: row.rule_id,
        ruleVersion: row.rule_version,
        target: row.target,
        body: row.body,
        attempt: row.attempts,
      });
      return { row, status: 'sent' };
    } catch (error) {
      const permanent = error instanceof DeliveryError && error.permanent;
      return { row, status: 'failed', error: (error as Error).message.slice(0, 1000), permanent };
    }
  }

  /**
   * Records the outcomes of the rows the claim's lease still holds: one whose lease ran out and
   * that another claim has taken since (this process stalled) is that claim's to record.
   */
  private record(claimed: readonly Outcome[], lease: string): Promise<DispatchReport> {
    return this.store.unitOfWork(async (unit) => {
      const tx = unit.state;
      const { rows: leased } = await tx.query<{ action_id: string }>(
        'SELECT action_id FROM journey.outbox WHERE action_id = ANY($1::uuid[]) AND locked_until = $2::timestamptz ORDER BY action_id FOR UPDATE',
        [claimed.map((outcome) => outcome.row.action_id), lease],
      );
      const ours = new Set(leased.map((row) => row.action_id));
      const { sent, dead, retry, barred, held, events } = this.recordsOf(claimed.filter((outcome) => ours.has(outcome.row.action_id)));
      if (held.length > 0) {
        // Not attempted: the claim's count of attempts is given back.
        await tx.query(
          `UPDATE journey.outbox o SET next_attempt_at = x.until, attempts = o.attempts - 1, locked_until = NULL
           FROM json_to_recordset($1::json) AS x(action_id uuid, until timestamptz) WHERE o.action_id = x.action_id`,
          [JSON.stringify(held)],
        );
      }
      if (barred.length > 0) {
        // The reason is kept as the row's last word: the rules' results count it as a suppression.
        await tx.query(
          `UPDATE journey.outbox o SET state = 'cancelled', last_error = x.reason, locked_until = NULL
           FROM json_to_recordset($1::json) AS x(action_id uuid, reason text) WHERE o.action_id = x.action_id`,
          [JSON.stringify(barred)],
        );
      }
      if (sent.length > 0) {
        await tx.query(`UPDATE journey.outbox SET state = 'sent', sent_at = $2, locked_until = NULL WHERE action_id = ANY($1::uuid[])`, [sent, this.now().toISOString()]);
      }
      if (dead.length > 0) {
        await tx.query(
          `UPDATE journey.outbox o SET state = 'dead', last_error = x.error, locked_until = NULL
           FROM json_to_recordset($1::json) AS x(action_id uuid, error text) WHERE o.action_id = x.action_id`,
          [JSON.stringify(dead)],
        );
      }
      // A message that was never delivered converts nobody: its goal closes.
      const undelivered = [...barred.map((row) => row.action_id), ...dead.map((row) => row.action_id)];
      if (undelivered.length > 0) {
        await tx.query('UPDATE journey.saga_actions SET goal_until = NULL WHERE action_id = ANY($1::uuid[]) AND converted_by IS NULL', [undelivered]);
      }
      if (retry.length > 0) {
        await tx.query(
          `UPDATE journey.outbox o SET last_error = x.error, next_attempt_at = x.next, locked_until = NULL
           FROM json_to_recordset($1::json) AS x(action_id uuid, error text, next timestamptz) WHERE o.action_id = x.action_id AND o.state = 'pending'`,
          [JSON.stringify(retry)],
        );
      }
      if (events.size > 0) await unit.append([...events].map(([streamId, list]) => ({ streamId, events: list })));
      return { delivered: sent.length, retried: retry.length, dead: dead.length, barred: barred.length, held: held.length };
    });
  }

  /** The rows' new states and the events that record the outcomes. */
  private recordsOf(outcomes: readonly Outcome[]) {
    const now = this.now();
    const events = new Map<string, DerivedEvent[]>();
    const add = (event: DerivedEvent) => {
      const streamId = CUSTOMER_STREAM_PREFIX + event.customerId;
      const list = events.get(streamId);
      if (list) list.push(event);
      else events.set(streamId, [event]);
    };
    const sent: string[] = [];
    const dead: Array<{ action_id: string; error: string }> = [];
    const retry: Array<{ action_id: string; error: string; next: string }> = [];
    const barred: Array<{ action_id: string; reason: string }> = [];
    const held: Array<{ action_id: string; until: string }> = [];
    for (const outcome of outcomes) {
      const { row } = outcome;
      const base = { ruleId: row.rule_id, ruleVersion: row.rule_version, actionId: row.action_id, triggerEventId: row.trigger_event_id, channel: row.channel };
      const metadata = { ruleId: row.rule_id, causationId: row.trigger_event_id, depth: row.depth };
      if (outcome.status === 'held') {
        held.push({ action_id: row.action_id, until: new Date(outcome.until).toISOString() });
      } else if (outcome.status === 'barred') {
        barred.push({ action_id: row.action_id, reason: outcome.reason });
        add(derivedEvent('ActionSuppressed', {
          customerId: row.customer_id,
          cause: [row.action_id, 'ActionSuppressed'],
          occurredAt: now.toISOString(),
          data: { ruleId: row.rule_id, ruleVersion: row.rule_version, triggerEventId: row.trigger_event_id, reason: outcome.reason },
          metadata,
        }));
      } else if (outcome.status === 'sent') {
        sent.push(row.action_id);
        add(derivedEvent('ActionDispatched', {
          customerId: row.customer_id,
          cause: [row.action_id, 'ActionDispatched'],
          occurredAt: now.toISOString(),
          data: { ...base, attempt: row.attempts },
          metadata,
        }));
      } else if (outcome.permanent || row.attempts >= this.settings.maxAttempts) {
        dead.push({ action_id: row.action_id, error: outcome.error });
        add(derivedEvent('ActionFailed', {
          customerId: row.customer_id,
          cause: [row.action_id, 'ActionFailed'],
          occurredAt: now.toISOString(),
          data: { ...base, attempts: row.attempts, error: outcome.error },
          metadata,
        }));
      } else {
        const backoff = this.settings.backoffMs * 2 ** (row.attempts - 1) * (0.5 + Math.random());
        retry.push({ action_id: row.action_id, error: outcome.error, next: new Date(now.getTime() + Math.min(backoff, 3_600_000)).toISOString() });
      }
    }
    return { sent, dead, retry, barred, held, events };
  }
}
