import type { Database, Queryable } from '@journey/database';
import { toBuffer } from '@journey/database';
import { isTransactionConflict, isTransient, isUnavailable } from '@journey/database';
import { AppendRejectedError, StoreUnavailableError } from '../errors';
import type { AppendResult } from '../event-store.port';
import { NEW_STREAM, type StreamHead, type StreamHeadCache } from '../stream-heads';
import { callState, eventIdsOf, planBatch, settleStored, type CallState, type Plan, type StoredEventRow } from './append-plan';
import type { AppendCall } from './prepared-event';
import { COMMIT_CHANNEL } from './commit-channel';

export type CallOutcome = { readonly ok: true; readonly result: AppendResult } | { readonly ok: false; readonly error: Error };

export interface BatchReport {
  readonly outcomes: readonly CallOutcome[];
  /** The transaction that wrote the batch, when something was written. */
  readonly txId?: number;
  readonly attempts: number;
}

const MAX_ATTEMPTS = 12;
/**
 * Rounds of optimistic planning that found streams moved before a batch takes their rows' locks
 * first: a batch over many streams that others write meanwhile (a pass's derived events beside
 * ingest in another process) could otherwise find one of them moved at every round.
 */
const OPTIMISTIC_ROUNDS = 2;

/**
 * Writes one group-commit batch: plans positions and hashes from the stream heads it knows, sends
 * everything as one statement (journey.append_events), and when the database says the plan was
 * built on a wrong belief (a stream moved, an id is already stored) corrects the belief and plans
 * again. A caller is refused only for its own reasons: a failed version check or its own bad data.
 */
export class AppendBatchRunner {
  constructor(
    private readonly heads: StreamHeadCache,
    private readonly now: () => Date,
  ) {}

  /**
   * @param autocommit whether `db` commits each statement: only then may the heads it writes be
   * remembered, since an enclosing transaction could still roll back.
   */
  async run(db: Queryable, calls: readonly AppendCall[], autocommit: boolean): Promise<BatchReport> {
    const states = calls.map(callState);
    const fresh = new Map<string, StreamHead>();
    let lookup = new Set<string>();
    let moved = 0;
    // Version checks judged against a plan that also held other callers' events: a statement that
    // fails writes none of them, so the next plan judges these callers again.
    let refusedByPlan: CallState[] = [];

    for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
      if (autocommit && moved >= OPTIMISTIC_ROUNDS && isDatabase(db)) return this.runLocked(db, calls, attempt);
      if (lookup.size > 0) {
        for (const [streamId, head] of await readHeads(db, [...lookup])) fresh.set(streamId, head);
        lookup = new Set();
      }
      const plan = planBatch(states, fresh, (streamId) => this.heads.get(streamId), this.now().toISOString());
      if (plan.lookup.size > 0) {
        lookup = new Set(plan.lookup);
        continue;
      }
      if (plan.conflicts.size > 0) {
        const unchecked = [...plan.conflicts.keys()].filter((state) => !state.checkedForDuplicates);
        if (unchecked.length > 0) {
          // A conflicting call may be the retry of one already stored: settle its events first.
          for (const state of unchecked) state.checkedForDuplicates = true;
          settleStored(unchecked, await readEvents(db, unchecked.flatMap(eventIdsOf)));
          continue;
        }
        for (const [state, error] of plan.conflicts) state.error = error;
        refusedByPlan = [...plan.conflicts.keys()];
      }
      if (plan.rows.length === 0) return this.report(states, plan, undefined, attempt);

      let reply: AppendReply;
      try {
        reply = autocommit ? await callAppend(db, plan) : await callAppendWithin(db, plan);
      } catch (error) {
        for (const state of refusedByPlan) state.error = undefined;
        refusedByPlan = [];
        const stale = staleHeads(error);
        if (stale) {
          for (const [streamId, head] of stale) fresh.set(streamId, head);
          moved++;
          continue;
        }
        if (isTakenPosition(error)) {
          // Someone wrote these positions without our knowing the heads: read them.
          lookup = new Set(plan.streams.keys());
          continue;
        }
        if (isReusedEventId(error)) {
          // An id of the batch is already stored (a client's retry, or a concurrent writer's).
          settleStored(states, await readEvents(db, plan.ids));
          continue;
        }
        for (const streamId of plan.streams.keys()) this.heads.forget(streamId);
        if (isUnavailable(error)) return this.failAll(states, unavailable(error), attempt);
        // Inside a caller's transaction this one is lost: the caller's transaction runs again.
        if (!autocommit && isTransactionConflict(error)) return this.failAll(states, asError(error), attempt);
        if (isTransient(error)) {
          fresh.clear();
          continue;
        }
        if (!isDataError(error)) return this.failAll(states, asError(error), attempt);
        const live = states.filter((state) => !state.error);
        if (live.length > 1) return this.isolate(db, states, autocommit, attempt);
        return this.failAll(states, new AppendRejectedError(messageOf(error), { cause: error }), attempt);
      }
      const txId = Number(reply.tx);
      for (const [streamId, stream] of plan.streams) {
        if (autocommit) this.heads.set(streamId, stream.head);
        else this.heads.forget(streamId);
      }
      return this.report(states, plan, txId, attempt);
    }
    return this.failAll(
      states,
      new StoreUnavailableError(`the append did not settle after ${MAX_ATTEMPTS} attempts; retry it`),
      MAX_ATTEMPTS,
    );
  }

  private report(states: readonly CallState[], plan: Plan, txId: number | undefined, attempts: number): BatchReport {
    const outcomes = states.map((state): CallOutcome => {
      if (state.error) return { ok: false, error: state.error };
      const outcomes = plan.accepted.get(state);
      if (!outcomes) return { ok: false, error: new StoreUnavailableError('the append was not planned; retry it') };
      return { ok: true, result: { outcomes } };
    });
    return { outcomes, txId, attempts };
  }

  private failAll(states: readonly CallState[], error: Error, attempts: number): BatchReport {
    return { outcomes: states.map((state) => ({ ok: false, error: state.error ?? error })), attempts };
  }

  /**
   * The batch in a transaction that first stops every other writer of streams (a table lock that
   * lets reads and row locks through but no insert or update of journey.streams), so that no head
   * can move between the plan and the append. The lock takes no transaction id, so the append
   * takes its id after every writer that committed before it, as an autocommit append does. Other
   * appends wait for a few round trips: only a batch whose optimistic rounds kept failing comes here.
   */
  private async runLocked(db: Database, calls: readonly AppendCall[], attempts: number): Promise<BatchReport> {
    const report = await db.transaction(async (tx) => {
      await tx.query('LOCK TABLE journey.streams IN SHARE ROW EXCLUSIVE MODE');
      return this.run(tx, calls, false);
    });
    return { ...report, attempts: attempts + report.attempts };
  }

  /** One call's bad data failed the shared statement: run each call alone so only it fails. */
  private async isolate(
    db: Queryable,
    states: readonly CallState[],
    autocommit: boolean,
    attempts: number,
  ): Promise<BatchReport> {
    const outcomes: CallOutcome[] = [];
    let txId: number | undefined;
    for (const state of states) {
      if (state.error) {
        outcomes.push({ ok: false, error: state.error });
        continue;
      }
      const alone = await this.run(db, [state.call], autocommit);
      outcomes.push(alone.outcomes[0]!);
      txId = alone.txId ?? txId;
      attempts += alone.attempts;
    }
    return { outcomes, txId, attempts };
  }
}

interface AppendReply {
  /** The id of the transaction that wrote the batch. */
  readonly tx: string;
}

/** The plan's streams in sorted order (the lock order), with the versions and hashes of the batch. */
function planArguments(plan: Plan): [string[], number[], number[], string[], string] {
  const streamIds = [...plan.streams.keys()].sort();
  const bases: number[] = [];
  const versions: number[] = [];
  const hashes: string[] = [];
  for (const streamId of streamIds) {
    const { base, head } = plan.streams.get(streamId)!;
    bases.push(base.version);
    versions.push(head.version);
    hashes.push(head.hash!);
  }
  return [streamIds, bases, versions, hashes, plan.rows.join('\n')];
}

/**
 * One statement: journey.append_events with the plan's streams in sorted order (the lock order).
 * A wrong belief comes back as an error that names the fact: JR001 with the actual heads, or a
 * unique violation of an event id already stored. Its last parameter, event ids, is sent empty:
 * the writes check the ids, and the function keeps the signature that running engines call.
 */
async function callAppend(db: Queryable, plan: Plan): Promise<AppendReply> {
  const { rows } = await db.query<{ r: AppendReply }>(
    'SELECT journey.append_events($1::text[], $2::bigint[], $3::bigint[], $4::text[], $5::text, $6::uuid[]) AS r',
    [...planArguments(plan), '{}'],
    { prepareAs: 'journey_append_events' },
  );
  return rows[0]!.r;
}

/** What journey.append_events_within answers: the transaction's id, or the error its subtransaction rolled back. */
type WithinReply = AppendReply | { readonly error: { code: string; message: string; detail: string | null; constraint: string | null } };

/**
 * Inside a caller's transaction a failed statement would abort the whole transaction:
 * journey.append_events_within runs the append in a subtransaction of its own and answers its
 * error instead of raising it (the caller's other work stays, and the batch can be planned
 * again), and notifies listeners of the commit, all in one round trip. The error is raised here
 * as the driver would have raised it, with its code, detail and constraint.
 */
async function callAppendWithin(db: Queryable, plan: Plan): Promise<AppendReply> {
  const { rows } = await db.query<{ r: WithinReply }>(
    'SELECT journey.append_events_within($1::text[], $2::bigint[], $3::bigint[], $4::text[], $5::text, $6::text) AS r',
    [...planArguments(plan), COMMIT_CHANNEL],
    { prepareAs: 'journey_append_events_within' },
  );
  const reply = rows[0]!.r;
  if ('error' in reply) {
    const { code, message, detail, constraint } = reply.error;
    throw Object.assign(new Error(message), { code, detail: detail ?? undefined, constraint: constraint ?? undefined });
  }
  return reply;
}

function isDatabase(db: Queryable): db is Database {
  return typeof (db as Partial<Database>).transaction === 'function';
}

function isTakenPosition(error: unknown): boolean {
  const { code, constraint } = (error ?? {}) as { code?: unknown; constraint?: unknown };
  return code === '23505' && constraint === 'events_pkey';
}

function isReusedEventId(error: unknown): boolean {
  const { code, constraint } = (error ?? {}) as { code?: unknown; constraint?: unknown };
  return code === '23505' && constraint === 'events_event_id_key';
}

/** The actual heads carried by the "stream heads moved" error (JR001), if that is the error. */
function staleHeads(error: unknown): Map<string, StreamHead> | undefined {
  const { code, detail } = (error ?? {}) as { code?: unknown; detail?: unknown };
  if (code !== 'JR001' || typeof detail !== 'string') return undefined;
  const heads = JSON.parse(detail) as Array<{ s: string; v: number; h: string | null }>;
  return new Map(heads.map((head) => [head.s, { version: Number(head.v), hash: head.h }]));
}

async function readHeads(db: Queryable, streamIds: readonly string[]): Promise<Map<string, StreamHead>> {
  const { rows } = await db.query<{ stream_id: string; version: number; last_hash: Uint8Array | null }>(
    'SELECT stream_id, version, last_hash FROM journey.streams WHERE stream_id = ANY($1::text[])',
    [streamIds],
  );
  const heads = new Map<string, StreamHead>(streamIds.map((id) => [id, NEW_STREAM]));
  for (const row of rows) {
    heads.set(row.stream_id, { version: row.version, hash: row.last_hash ? toBuffer(row.last_hash).toString('hex') : null });
  }
  return heads;
}

async function readEvents(db: Queryable, eventIds: readonly string[]): Promise<StoredEventRow[]> {
  if (eventIds.length === 0) return [];
  const { rows } = await db.query<StoredEventRow>(
    `SELECT event_id AS "eventId", stream_id AS "streamId", stream_position AS "streamPosition", type, version,
            data, metadata, source, occurred_at AS "occurredAt"
     FROM journey.events WHERE event_id = ANY($1::uuid[])`,
    [`{${eventIds.join(',')}}`],
  );
  return rows;
}

function unavailable(error: unknown): StoreUnavailableError {
  return new StoreUnavailableError(`the database is unavailable: ${messageOf(error)}`, { cause: error });
}

/** PostgreSQL refused a value (class 22, data exception; class 54, a limit was exceeded). */
function isDataError(error: unknown): boolean {
  const code = (error as { code?: unknown } | undefined)?.code;
  return typeof code === 'string' && (code.startsWith('22') || code.startsWith('54'));
}

function asError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error));
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
