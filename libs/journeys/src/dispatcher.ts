import { CUSTOMER_STREAM_PREFIX, type ActionChannel } from '@journey/contracts';
import { derivedEvent, type DerivedEvent } from '@journey/domain';
import type { EventStore } from '@journey/event-store';
import type { Database, Queryable } from '@journey/database';
import { DeliveryError, type Channel } from './channels/channel';
import { ownedDueIds, type Owns } from './owned-due';
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

type Outcome = { row: OutboxRow; ok: true } | { row: OutboxRow; ok: false; error: string; permanent: boolean };

export interface DispatchReport {
  readonly delivered: number;
  readonly retried: number;
  readonly dead: number;
}

/**
 * Delivers the outbox at least once: claims due rows with a lease (so a crash mid-delivery hands
 * them to the next round, with the same idempotency key), delivers outside any transaction, then
 * records each outcome with its event: ActionDispatched, or after the last attempt ActionFailed
 * and the dead letter. Retries back off exponentially with jitter.
 */
export class Dispatcher {
  constructor(
    private readonly db: Database,
    private readonly store: EventStore<Queryable>,
    private readonly channels: ReadonlyMap<ActionChannel, Channel>,
    private readonly settings: SagaSettings,
    private readonly now: () => Date,
    /** Whether this process delivers the customer's actions (the partitions it holds); all when absent. */
    private readonly owns?: Owns,
  ) {}

  /**
   * Delivers everything due, batch after batch, until nothing is left: the next batch is claimed
   * and delivered while the previous one's outcomes are recorded (one recording at a time, so
   * two transactions never append to one stream at once).
   */
  async dispatchAll(limit = 500): Promise<DispatchReport> {
    const total = { delivered: 0, retried: 0, dead: 0 };
    const add = (report: DispatchReport): void => {
      total.delivered += report.delivered;
      total.retried += report.retried;
      total.dead += report.dead;
    };
    let recording: Promise<DispatchReport> | undefined;
    try {
      for (;;) {
        const rows = await this.claim(limit);
        if (rows.length === 0) break;
        const outcomes = await Promise.all(rows.map((row) => this.deliver(row)));
        if (recording) add(await recording);
        recording = this.record(outcomes);
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
  private async claim(limit: number): Promise<OutboxRow[]> {
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
      return rows;
    }
    const ids = await ownedDueIds(this.db, { table: 'journey.outbox', id: 'action_id', at: 'next_attempt_at', due }, now.toISOString(), this.owns, limit);
    if (ids.length === 0) return [];
    const { rows } = await this.db.query<OutboxRow>(
      `UPDATE journey.outbox o SET locked_until = $2, attempts = o.attempts + 1
       WHERE o.action_id IN (SELECT action_id FROM journey.outbox WHERE action_id = ANY($3::uuid[]) AND ${due} FOR UPDATE SKIP LOCKED)
       ${returning}`,
      [now.toISOString(), lease, ids],
    );
    return rows;
  }

  private async deliver(row: OutboxRow): Promise<Outcome> {
    const channel = this.channels.get(row.channel);
    if (!channel) return { row, ok: false, error: `channel ${row.channel} is not active in this process`, permanent: false };
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
      return { row, ok: true };
    } catch (error) {
      const permanent = error instanceof DeliveryError && error.permanent;
      return { row, ok: false, error: (error as Error).message.slice(0, 1000), permanent };
    }
  }

  private async record(outcomes: readonly Outcome[]): Promise<DispatchReport> {
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
    for (const outcome of outcomes) {
      const { row } = outcome;
      const base = { ruleId: row.rule_id, ruleVersion: row.rule_version, actionId: row.action_id, triggerEventId: row.trigger_event_id, channel: row.channel };
      const metadata = { ruleId: row.rule_id, causationId: row.trigger_event_id, depth: row.depth };
      if (outcome.ok) {
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
    await this.store.unitOfWork(async (unit) => {
      const tx = unit.state;
      if (sent.length > 0) {
        await tx.query(`UPDATE journey.outbox SET state = 'sent', sent_at = $2, locked_until = NULL WHERE action_id = ANY($1::uuid[])`, [sent, now.toISOString()]);
      }
      if (dead.length > 0) {
        await tx.query(
          `UPDATE journey.outbox o SET state = 'dead', last_error = x.error, locked_until = NULL
           FROM json_to_recordset($1::json) AS x(action_id uuid, error text) WHERE o.action_id = x.action_id`,
          [JSON.stringify(dead)],
        );
      }
      if (retry.length > 0) {
        await tx.query(
          `UPDATE journey.outbox o SET last_error = x.error, next_attempt_at = x.next, locked_until = NULL
           FROM json_to_recordset($1::json) AS x(action_id uuid, error text, next timestamptz) WHERE o.action_id = x.action_id`,
          [JSON.stringify(retry)],
        );
      }
      if (events.size > 0) await unit.append([...events].map(([streamId, list]) => ({ streamId, events: list })));
    });
    return { delivered: sent.length, retried: retry.length, dead: dead.length };
  }
}
