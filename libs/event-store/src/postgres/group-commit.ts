import type { Queryable } from '@journey/database';
import { StoreUnavailableError } from '../errors';
import type { AppendResult } from '../event-store.port';
import type { BatchReport } from './append-batch';
import type { AppendCall } from './prepared-event';

export interface GroupCommitOptions {
  /** Batches in flight at once; each is one statement on its own connection. */
  readonly slots: number;
  /** A batch stops growing at this many events (a bigger single call still goes alone). */
  readonly maxBatchEvents: number;
  /**
   * While a batch is in flight, another slot starts only once this many events wait: a few
   * callers then share the next commit instead of paying one each, and many callers still get
   * batches in parallel. The first batch never waits.
   */
  readonly minEventsForAnotherSlot?: number;
}

/** Writes one batch of calls as one statement (AppendBatchRunner). */
export interface BatchRunner {
  run(db: Queryable, calls: readonly AppendCall[], autocommit: boolean): Promise<BatchReport>;
}

/** One settled batch, for metrics. */
export interface BatchWritten {
  readonly calls: number;
  /** Events the batch's calls submitted, whatever became of them (the batch's size). */
  readonly submitted: number;
  /** Events the batch stored: not those answered as already stored, nor those of refused calls. */
  readonly appended: number;
  /** Events answered as already stored (a client's resend). */
  readonly duplicates: number;
  readonly seconds: number;
  readonly attempts: number;
}

/** What the writer reports, for metrics. */
export interface AppendObserver {
  batchWritten(report: BatchWritten): void;
  callSettled(seconds: number, ok: boolean): void;
}

interface Pending {
  readonly call: AppendCall;
  readonly streams: readonly string[];
  readonly enqueuedAt: number;
  resolve(result: AppendResult): void;
  reject(error: Error): void;
}

/**
 * Group commit: callers queue while batches are in flight, and each free slot takes what has
 * queued as one statement, so callers of one event each share a commit. A stream is in at most
 * one batch at a time, which keeps every stream's appends in the order they were made while
 * batches on other streams run beside it.
 */
export class GroupCommitWriter {
  private queue: Pending[] = [];
  private readonly busyStreams = new Set<string>();
  private inFlight = 0;
  private closing = false;
  private idleWaiters: Array<() => void> = [];
  private pumpScheduled = false;

  constructor(
    private readonly db: Queryable,
    private readonly runner: BatchRunner,
    private readonly options: GroupCommitOptions,
    private readonly onCommit: (txId: number) => void,
    private readonly observer?: AppendObserver,
  ) {}

  submit(call: AppendCall): Promise<AppendResult> {
    if (this.closing) return Promise.reject(new StoreUnavailableError('the event store is shutting down'));
    return new Promise<AppendResult>((resolve, reject) => {
      const streams = [...new Set(call.requests.map((request) => request.streamId))];
      this.queue.push({ call, streams, enqueuedAt: performance.now(), resolve, reject });
      this.schedulePump();
    });
  }

  /** Refuses new appends and resolves when every accepted one has settled. */
  async close(): Promise<void> {
    this.closing = true;
    if (this.queue.length === 0 && this.inFlight === 0) return;
    await new Promise<void>((resolve) => this.idleWaiters.push(resolve));
  }

  get pending(): number {
    return this.queue.length;
  }

  /**
   * Batches are formed on the next turn of the event loop, not at once: callers that become
   * ready together (the callers of the batch that just committed, the requests parsed in the
   * same turn) then join one batch instead of each starting its own.
   */
  private schedulePump(): void {
    if (this.pumpScheduled) return;
    this.pumpScheduled = true;
    setImmediate(() => {
      this.pumpScheduled = false;
      this.pump();
    });
  }

  private pump(): void {
    const threshold = this.options.minEventsForAnotherSlot ?? 1;
    while (this.inFlight < this.options.slots && this.queue.length > 0) {
      if (this.inFlight > 0 && this.queuedEvents() < threshold) return;
      const batch = this.take();
      if (batch.length === 0) return;
      this.inFlight++;
      void this.execute(batch);
    }
  }

  /** Takes this slot's share of the queue, skipping calls on streams another batch holds. */
  private take(): Pending[] {
    // Split the queue over as many free slots as it fills to the threshold, at least one.
    const queued = this.queuedEvents();
    const threshold = this.options.minEventsForAnotherSlot ?? 1;
    const slots = Math.max(1, Math.min(this.options.slots - this.inFlight, Math.floor(queued / threshold)));
    const share = Math.min(this.options.maxBatchEvents, Math.ceil(queued / slots));

    const blocked = new Set(this.busyStreams);
    const takenStreams = new Set<string>();
    const taken: Pending[] = [];
    const rest: Pending[] = [];
    let events = 0;
    for (const pending of this.queue) {
      // A call on a stream of this batch could not go to another slot before this batch is
      // done: it joins this batch, beyond the share, up to the batch's limit.
      const limit = pending.streams.some((stream) => takenStreams.has(stream)) ? this.options.maxBatchEvents : share;
      const fits = taken.length === 0 || events + pending.call.eventCount <= limit;
      if (fits && !pending.streams.some((stream) => blocked.has(stream))) {
        taken.push(pending);
        events += pending.call.eventCount;
        for (const stream of pending.streams) takenStreams.add(stream);
      } else {
        rest.push(pending);
        // What is left behind keeps its streams from later calls: per-stream order holds.
        for (const stream of pending.streams) blocked.add(stream);
      }
    }
    this.queue = rest;
    for (const pending of taken) for (const stream of pending.streams) this.busyStreams.add(stream);
    return taken;
  }

  private queuedEvents(): number {
    let queued = 0;
    for (const pending of this.queue) queued += pending.call.eventCount;
    return queued;
  }

  private async execute(batch: readonly Pending[]): Promise<void> {
    const started = performance.now();
    let report: BatchReport | undefined;
    let failure: Error | undefined;
    try {
      report = await this.runner.run(
        this.db,
        batch.map((pending) => pending.call),
        true,
      );
    } catch (error) {
      failure = error instanceof Error ? error : new Error(String(error));
    }
    for (const pending of batch) for (const stream of pending.streams) this.busyStreams.delete(stream);
    this.inFlight--;
    const finished = performance.now();
    if (report?.txId !== undefined) this.onCommit(report.txId);
    if (report) {
      this.observer?.batchWritten({
        calls: batch.length,
        submitted: batch.reduce((sum, pending) => sum + pending.call.eventCount, 0),
        ...countStored(report),
        seconds: (finished - started) / 1000,
        attempts: report.attempts,
      });
    }
    batch.forEach((pending, i) => {
      const outcome = report?.outcomes[i];
      const ok = outcome?.ok === true;
      this.observer?.callSettled((finished - pending.enqueuedAt) / 1000, ok);
      if (outcome?.ok) pending.resolve(outcome.result);
      else pending.reject(outcome?.error ?? failure ?? new Error('append settled without an outcome'));
    });
    this.schedulePump();
    if (this.inFlight === 0 && this.queue.length === 0) {
      const waiters = this.idleWaiters;
      this.idleWaiters = [];
      for (const wake of waiters) wake();
    }
  }
}

/** Events of the batch's accepted calls, as appended or answered as already stored. */
function countStored(report: BatchReport): { appended: number; duplicates: number } {
  let appended = 0;
  let duplicates = 0;
  for (const outcome of report.outcomes) {
    if (!outcome.ok) continue;
    for (const event of outcome.result.outcomes) {
      if (event.status === 'appended') appended++;
      else if (event.status === 'duplicate') duplicates++;
    }
  }
  return { appended, duplicates };
}
