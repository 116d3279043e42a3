import {
  consumerLag,
  ownsCustomer,
  type ConsumerLag,
  type EventStore,
  type PartitionLeases,
  type Subscription,
} from '@journey/event-store';
import { customerCrossPartition } from './cross-partition';
import { READ_MODEL_GATHER_MS } from './gather';
import type { Database, Queryable } from '@journey/database';
import { LIVE_TABLES } from './customer-360.table';
import type { CustomerDecider } from './customer-decider';
import { projectBatch } from './customer-projection';
import { reviewLifecycles, type ClockReport } from './lifecycle-clock';
import type { ProjectionOptions } from '@journey/platform';
import { runRfm, type RfmReport } from './rfm-job';
import { CUSTOMER_ITEMS_PROJECTION, CUSTOMER_ITEMS_TYPES, projectCustomerItems } from './customer-items.projection';
import { LIVE_ITEM_TABLES } from './item-tables';
import { runPredictions, type PredictProgress, type PredictReport } from './predict-job';
import { reviewSegments, type SegmentClockReport } from './segments/segment-clock';
import { recordJob } from './jobs/job-recorder';
import { runBackfill, runningBackfills } from './segments/segment-backfill';

export const CUSTOMER_PROJECTION = 'projection:customer_360';

export interface ProjectorLogger {
  info(fields: object, message: string): void;
  error(fields: object, message: string): void;
}

export type ProjectionLag = ConsumerLag;

/**
 * Runs the customer pass (the 360, lifecycle transitions, and what its deciders decide on the
 * state each event left: the rules' decisions) from the event store's one customer
 * subscription, and the lifecycle clock and the RFM schedule. One per process; the same code
 * runs in the engine and in services/projector.
 */
export class Projector {
  private subscription: Subscription | undefined;
  /** Settles once start() has subscribed: caughtUp() called right after an unawaited start() waits for it. */
  private starting: Promise<void> | undefined;
  private itemsSubscription: Subscription | undefined;
  private readonly timers: NodeJS.Timeout[] = [];
  private clockRunning: Promise<unknown> | undefined;
  private rfmRunning: Promise<unknown> | undefined;
  private predictRunning: Promise<unknown> | undefined;
  private backfillRunning: Promise<unknown> | undefined;

  private readonly logger?: ProjectorLogger;
  private readonly onProjected?: (delaysSeconds: readonly number[]) => void;
  /** The customer partitions this process folds; without them, all of them (one process). */
  readonly partitions?: PartitionLeases<Queryable>;
  /** The customer-items reader's one partition: the process holding it reads and writes the similarity's sums. */
  private readonly itemsLease?: PartitionLeases<Queryable>;
  private readonly deciders: readonly CustomerDecider[];

  constructor(
    private readonly db: Database,
    private readonly store: EventStore<Queryable>,
    private readonly options: ProjectionOptions,
    private readonly now: () => Date,
    hooks: {
      readonly logger?: ProjectorLogger;
      /** Per projected event, the seconds from its recording to its effect in the 360. */
      readonly onProjected?: (delaysSeconds: readonly number[]) => void;
      /** Leases of the customer partitions shared with other processes (unstarted; the projector starts and stops them). */
      readonly partitions?: PartitionLeases<Queryable>;
      /** Run by the pass on the state each event left (none: the pass only folds). */
      readonly deciders?: readonly CustomerDecider[];
      /**
       * A lease group of one partition for the customer-items reader (unstarted): of the processes
       * side by side, one at a time reads the log for it, rather than each reading every batch and
       * all but one finding the checkpoint moved. Without it this process reads whenever it can.
       */
      readonly itemsLease?: PartitionLeases<Queryable>;
    } = {},
  ) {
    this.logger = hooks.logger;
    this.onProjected = hooks.onProjected;
    this.partitions = hooks.partitions;
    this.deciders = hooks.deciders ?? [];
    this.itemsLease = hooks.itemsLease;
  }

  start(): Promise<void> {
    this.starting ??= this.subscribe().catch((error: unknown) => {
      this.starting = undefined;
      throw error;
    });
    return this.starting;
  }

  private async subscribe(): Promise<void> {
    // The one subscription of the customer pass: every fold of a customer and every decision on it.
    await this.partitions?.start();
    this.subscription = this.store.subscribe(
      CUSTOMER_PROJECTION,
      async (events, unit) => {
        const context = { tables: LIVE_TABLES, lifecycle: this.options.lifecycle, appendAfterCommit: unit.appendAfterCommit, deciders: this.deciders };
        await projectBatch(events, unit, context);
        if (this.onProjected) {
          const done = Date.now();
          this.onProjected(events.map((event) => (done - Date.parse(event.recordedAt)) / 1000));
        }
      },
      {
        batchSize: this.options.batchSize,
        gatherMs: this.options.gatherMs,
        onError: (error) => this.logger?.error({ err: error }, 'customer pass batch failed; retrying'),
        partitions: this.partitions ? { ownership: this.partitions, crossPartition: customerCrossPartition } : undefined,
      },
    );
    // What customers bought and viewed, per product, the item similarity's sums and buyers' top fives: on a subscription of its own.
    const recommend = { catalogueWindowDays: this.options.predictions.catalogueWindowDays };
    await this.itemsLease?.start();
    this.itemsSubscription = this.store.subscribe(
      CUSTOMER_ITEMS_PROJECTION,
      (events, unit) => projectCustomerItems(events, unit.state, { tables: LIVE_ITEM_TABLES, recommend: { ...recommend, now: this.now() } }),
      {
        batchSize: this.options.batchSize,
        gatherMs: READ_MODEL_GATHER_MS,
        appendsNothing: true,
        types: CUSTOMER_ITEMS_TYPES,
        onError: (error) => this.logger?.error({ err: error }, 'customer items batch failed; retrying'),
        partitions: this.itemsLease ? { ownership: this.itemsLease } : undefined,
      },
    );
    if (this.options.clockIntervalMs > 0) {
      this.timers.push(setInterval(() => void this.clockTick(), this.options.clockIntervalMs));
    }
    if (this.options.clockIntervalMs > 0) {
      // Backfills recorded by the API (any process) are run here, a chunk per unit of work.
      this.timers.push(setInterval(() => void this.backfillTick(), Math.min(this.options.clockIntervalMs, 1000)));
    }
    if (this.options.rfmIntervalMs > 0) {
      this.timers.push(setInterval(() => void this.rfmTick(), this.options.rfmIntervalMs));
    }
    if (this.options.predictions.intervalMs > 0) {
      this.timers.push(setInterval(() => void this.predictTick(), this.options.predictions.intervalMs));
    }
  }

  /** Resolves once every event committed before the call is in the read models. */
  async caughtUp(): Promise<void> {
    await this.starting;
    await Promise.all([this.subscription?.caughtUp(), this.itemsSubscription?.caughtUp()]);
  }

  /** The lifecycle clock, now (also what the schedule calls). */
  reviewLifecycles(now = this.now()): Promise<ClockReport> {
    return reviewLifecycles(this.db, this.store, this.options.lifecycle, now, { owns: ownsCustomer(this.partitions) });
  }

  /** The segment clock, now: memberships that time alone changes. */
  reviewSegments(now = this.now()): Promise<SegmentClockReport> {
    return reviewSegments(this.store, now);
  }

  /** Runs the segment backfills left running, one after the other, to their end. */
  async runBackfills(): Promise<number> {
    let ran = 0;
    for (const jobId of await runningBackfills(this.db)) {
      await runBackfill(this.store, jobId, { now: this.now });
      ran += 1;
    }
    return ran;
  }

  /** The RFM job, now (also what the schedule calls, and `journey rfm run`). */
  runRfm(now = this.now()): Promise<RfmReport> {
    return runRfm(this.db, this.store, { ...this.options, windowDays: this.options.rfmWindowDays, slotMs: this.options.rfmIntervalMs || 60_000 }, now);
  }

  /** The purchase models' fit and scoring, now (also what the schedule calls, `journey predict fit` and the admin API). */
  runPredictions(trigger: string, onProgress?: PredictProgress, now = this.now()): Promise<PredictReport> {
    const { predictions } = this.options;
    return recordJob(
      this.db,
      { kind: 'prediction-fit', trigger },
      (progress) =>
        runPredictions(this.db, this.store, { ...predictions, rates: this.options.rates, trigger, slotMs: trigger === 'schedule' ? predictions.intervalMs : undefined }, now, (phase, done, total) => {
          progress(done, total, phase);
          onProgress?.(phase, done, total);
        }),
      (report) => ({ fitId: report.fitId, customers: report.customers, repeatCustomers: report.repeatCustomers, bandChanges: report.bandChanges, seconds: report.seconds }),
    );
  }

  async lag(): Promise<ProjectionLag> {
    return projectionLag(this.db, CUSTOMER_PROJECTION);
  }

  async stop(): Promise<void> {
    await this.starting?.catch(() => undefined);
    this.starting = undefined;
    for (const timer of this.timers.splice(0)) clearInterval(timer);
    await Promise.allSettled([this.clockRunning, this.rfmRunning, this.predictRunning, this.backfillRunning]);
    await Promise.all([this.subscription?.stop(), this.itemsSubscription?.stop()]);
    this.subscription = undefined;
    this.itemsSubscription = undefined;
    await this.partitions?.stop();
    await this.itemsLease?.stop();
    for (const decider of this.deciders) await decider.stop?.();
  }

  private async clockTick(): Promise<void> {
    if (this.clockRunning) return;
    this.clockRunning = this.reviewLifecycles()
      .then((report) => report.appended && this.logger?.info({ ...report }, 'lifecycle clock appended stage changes'))
      .then(() => this.reviewSegments())
      .then((report) => report.changes && this.logger?.info({ ...report }, 'segment clock recorded membership changes'))
      .catch((error: unknown) => this.logger?.error({ err: error }, 'lifecycle clock failed'))
      .finally(() => (this.clockRunning = undefined));
    await this.clockRunning;
  }

  private async backfillTick(): Promise<void> {
    if (this.backfillRunning) return;
    this.backfillRunning = this.runBackfills()
      .then((ran) => ran && this.logger?.info({ jobs: ran }, 'segment backfills done'))
      .catch((error: unknown) => this.logger?.error({ err: error }, 'segment backfill failed; it goes on at the next tick'))
      .finally(() => (this.backfillRunning = undefined));
    await this.backfillRunning;
  }

  private async rfmTick(): Promise<void> {
    if (this.rfmRunning) return;
    this.rfmRunning = this.runRfm()
      .then((report) => this.logger?.info({ ...report }, 'RFM job done'))
      .catch((error: unknown) => this.logger?.error({ err: error }, 'RFM job failed'))
      .finally(() => (this.rfmRunning = undefined));
    await this.rfmRunning;
  }

  private async predictTick(): Promise<void> {
    if (this.predictRunning) return;
    this.predictRunning = this.runPredictions('schedule')
      .then(({ fitId, customers, bandChanges, seconds }) => this.logger?.info({ fitId, customers, bandChanges, seconds }, 'purchase models fitted, customers scored'))
      .catch((error: unknown) => this.logger?.error({ err: error }, 'prediction job failed'))
      .finally(() => (this.predictRunning = undefined));
    await this.predictRunning;
  }
}

/** How far a named subscription is behind the log, in events and in seconds. */
export function projectionLag(db: Database, name: string): Promise<ProjectionLag> {
  return consumerLag(db, name);
}
