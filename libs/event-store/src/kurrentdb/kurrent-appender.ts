import { randomUUID } from 'node:crypto';
import { BACKWARDS, END, type KurrentDBClient } from '@kurrent/kurrentdb-client';
import { StoreUnavailableError } from '../errors';
import type { AppendResult, EventOutcome } from '../event-store.port';
import { contentKey, type AppendCall } from '../postgres/prepared-event';
import { NEW_STREAM, type StreamHead, type StreamHeadCache } from '../stream-heads';
import { planAppend, type KnownHead } from './append-plan';
import { claimOf, claimStreamOf, outcomeOfClaimed, type Claim } from './id-claims';
import { appendErrorOf, isRevisionConflict, isStreamNotFound, storeErrorOf } from './kurrent-errors';
import { fromRecord } from './stored-event';

const MAX_ATTEMPTS = 12;
/** Claims read at once when a call's ids are looked up. */
const CLAIM_READS_IN_FLIGHT = 32;

/**
 * Appends one caller's events to KurrentDB in one multi-stream append (all or nothing): planned
 * from the stream heads it remembers, each stream at an exact revision and each new id claimed.
 * When the server refuses the plan (a stream moved, an id is claimed), it reads the heads and the
 * claims, corrects the plan and sends it again; a caller is refused only for its own reasons.
 */
export class KurrentAppender {
  constructor(
    private readonly client: KurrentDBClient,
    private readonly heads: StreamHeadCache,
    private readonly now: () => Date,
  ) {}

  async append(call: AppendCall): Promise<AppendResult> {
    const settled = new Map<number, EventOutcome>();
    const fresh = new Map<string, StreamHead>();
    const known = (streamId: string): KnownHead | undefined => {
      const head = fresh.get(streamId);
      if (head) return { head, fresh: true };
      const cached = this.heads.get(streamId);
      return cached ? { head: cached, fresh: false } : undefined;
    };
    let claimsRead = false;
    for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
      const plan = planAppend(call, known, settled, this.now().toISOString(), randomUUID);
      if (plan.kind === 'lookup') {
        await this.readHeads(plan.streams, fresh);
        continue;
      }
      if (plan.kind === 'conflict') {
        // A retry whose first attempt was stored is a duplicate, not a version conflict.
        if (claimsRead) throw plan.error;
        claimsRead = true;
        await this.settleClaimed(call, settled);
        continue;
      }
      if (plan.requests.length === 0) return { outcomes: plan.outcomes };
      try {
        await this.client.multiStreamAppend([...plan.requests]);
      } catch (error) {
        if (!isRevisionConflict(error)) {
          // The outcome may be unknown: the next call reads the heads again.
          for (const streamId of plan.heads.keys()) this.heads.forget(streamId);
          throw appendErrorOf(error);
        }
        claimsRead = true;
        await this.settleClaimed(call, settled);
        await this.readHeads(new Set(plan.heads.keys()), fresh);
        continue;
      }
      for (const [streamId, head] of plan.heads) this.heads.set(streamId, head);
      return { outcomes: plan.outcomes };
    }
    throw new StoreUnavailableError(`the append did not settle after ${MAX_ATTEMPTS} attempts; retry it`);
  }

  /** The version and last hash of a stream, read from its last event. */
  async readHead(streamId: string): Promise<StreamHead> {
    try {
      for await (const resolved of this.client.readStream(streamId, { direction: BACKWARDS, fromRevision: END, maxCount: 1 })) {
        const revision = resolved.event?.revision;
        if (revision === undefined) continue;
        return { version: Number(revision) + 1, hash: fromRecord(resolved)?.hash ?? null };
      }
      return NEW_STREAM;
    } catch (error) {
      if (isStreamNotFound(error)) return NEW_STREAM;
      throw storeErrorOf(error);
    }
  }

  private async readHeads(streamIds: ReadonlySet<string>, into: Map<string, StreamHead>): Promise<void> {
    const heads = await Promise.all([...streamIds].map(async (streamId) => [streamId, await this.readHead(streamId)] as const));
    for (const [streamId, head] of heads) into.set(streamId, head);
  }

  /** Fixes the outcome of every event of the call whose id is already claimed. */
  private async settleClaimed(call: AppendCall, settled: Map<number, EventOutcome>): Promise<void> {
    const open: Array<{ index: number; streamId: string; event: AppendCall['requests'][number]['events'][number] }> = [];
    let index = 0;
    for (const request of call.requests) {
      for (const event of request.events) {
        if (!settled.has(index)) open.push({ index, streamId: request.streamId, event });
        index++;
      }
    }
    for (let i = 0; i < open.length; i += CLAIM_READS_IN_FLIGHT) {
      const slice = open.slice(i, i + CLAIM_READS_IN_FLIGHT);
      const claims = await Promise.all(slice.map(({ event }) => this.readClaim(event.eventId)));
      slice.forEach(({ index: at, streamId, event }, j) => {
        const claim = claims[j];
        if (claim) settled.set(at, outcomeOfClaimed(event.eventId, claim, contentKey(streamId, event)));
      });
    }
  }

  private async readClaim(eventId: string): Promise<Claim | undefined> {
    try {
      for await (const resolved of this.client.readStream(claimStreamOf(eventId), { maxCount: 1 })) return claimOf(resolved);
      return undefined;
    } catch (error) {
      if (isStreamNotFound(error)) return undefined;
      throw storeErrorOf(error);
    }
  }
}
