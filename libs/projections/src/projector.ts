import { consumerLag, type ConsumerLag, type EventStore, type Subscription } from '@journey/event-store';
import type { Database, Queryable } from '@journey/database';
import { LIVE_TABLES } from './customer-360.table';
import type { CustomerDecider } from './customer-decider';
import { projectBatch } from './customer-projection';
import { reviewLifecycles, type ClockReport } from './lifecycle-clock';
import type { ProjectionOptions } from '@journey/platform';
import { runRfm, type RfmReport } from './rfm-job';

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
  private readonly timers: NodeJS.Timeout[] = [];
  private clockRunning: Promise<unknown> | undefined;
  private rfmRunning: Promise<unknown> | undefined;

  private readonly logger?: ProjectorLogger;
  private readonly onProjected?: (delaysSeconds: readonly number[]) => void;
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
      /** Run by the pass on the state each event left (none: the pass only folds). */
      readonly deciders?: readonly CustomerDecider[];
    } = {},
  ) {
    this.logger = hooks.logger;
    this.onProjected = hooks.onProjected;
    this.deciders = hooks.deciders ?? [];
  }

  start(): void {
    if (this.subscription) return;
    // The one subscription of the customer pass: every fold of a customer and every decision on it.
    this.subscription = this.store.subscribe(
      CUSTOMER_PROJECTION,
      async (events, unit) => {
        const context = { tables: LIVE_TABLES, lifecycle: this.options.lifecycle, appendDerived: unit.appendDerived, deciders: this.deciders };
        await projectBatch(events, unit, context);
        if (this.onProjected) {
          const done = Date.now();
          this.onProjected(events.map((event) => (done - Date.parse(event.recordedAt)) / 1000));
        }
      },
      { batchSize: this.options.batchSize, onError: (error) => this.logger?.error({ err: error }, 'customer pass batch failed; retrying') },
    );
    if (this.options.clockIntervalMs > 0) {
      this.timers.push(setInterval(() => void this.clockTick(), this.options.clockIntervalMs));
    }
    if (this.options.rfmIntervalMs > 0) {
      this.timers.push(setInterval(() => void this.rfmTick(), this.options.rfmIntervalMs));
    }
  }

  /** Resolves once every event committed before the call is in the read models. */
  async caughtUp(): Promise<void> {
    await this.subscription?.caughtUp();
  }

  /** The lifecycle clock, now (also what the schedule calls). */
  reviewLifecycles(now = this.now()): Promise<ClockReport> {
    return reviewLifecycles(this.db, this.store, this.options.lifecycle, now);
  }

  /** The RFM job, now (also what the schedule calls, and `journey rfm run`). */
  runRfm(now = this.now()): Promise<RfmReport> {
    return runRfm(this.db, this.store, { ...this.options, windowDays: this.options.rfmWindowDays, slotMs: this.options.rfmIntervalMs || 60_000 }, now);
  }

  async lag(): Promise<ProjectionLag> {
    return projectionLag(this.db, CUSTOMER_PROJECTION);
  }

  async stop(): Promise<void> {
    for (const timer of this.timers.splice(0)) clearInterval(timer);
    await Promise.allSettled([this.clockRunning, this.rfmRunning]);
    await this.subscription?.stop();
    this.subscription = undefined;
    for (const decider of this.deciders) await decider.stop?.();
  }

  private async clockTick(): Promise<void> {
    if (this.clockRunning) return;
    this.clockRunning = this.reviewLifecycles()
      .then((report) => report.appended && this.logger?.info({ ...report }, 'lifecycle clock appended stage changes'))
      .catch((error: unknown) => this.logger?.error({ err: error }, 'lifecycle clock failed'))
      .finally(() => (this.clockRunning = undefined));
    await this.clockRunning;
  }

  private async rfmTick(): Promise<void> {
    if (this.rfmRunning) return;
    this.rfmRunning = this.runRfm()
      .then((report) => this.logger?.info({ ...report }, 'RFM job done'))
      .catch((error: unknown) => this.logger?.error({ err: error }, 'RFM job failed'))
      .finally(() => (this.rfmRunning = undefined));
    await this.rfmRunning;
  }
}

/** How far a named subscription is behind the log, in events and in seconds. */
export function projectionLag(db: Database, name: string): Promise<ProjectionLag> {
  return consumerLag(db, name);
}
