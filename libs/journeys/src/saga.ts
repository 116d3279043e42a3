import type { ActionChannel } from '@journey/contracts';
import { partitionOf, type EventStore, type PartitionLeases, type Subscription } from '@journey/event-store';
import type { Database, Queryable } from '@journey/database';
import type { Channel } from './channels/channel';
import { runDailyRules } from './daily-rules';
import { Dispatcher, type DispatchReport } from './dispatcher';
import { RuleIndex } from './rules/rule-index';
import { RuleStore } from './rules/rule-store';
import { sagaBatch, type SagaContext } from './saga-batch';
import type { SagaSettings } from './saga-settings';
import { fireDueTimers } from './timers';

export const SAGA_SUBSCRIPTION = 'saga:journeys';
export const RULES_CHANNEL = 'journey_rules';

export interface SagaLogger {
  info(fields: object, message: string): void;
  error(fields: object, message: string): void;
}

/**
 * The journeys runtime: the subscription that decides, the loop that fires due timers and
 * delivers the outbox, and the daily run of calendar rules. The same in the engine and in
 * services/saga; several processes share timers and the outbox safely.
 */
export class Saga {
  readonly rules: RuleStore;
  readonly index: RuleIndex;
  private readonly dispatcher: Dispatcher;
  private readonly context: SagaContext;
  private subscription: Subscription | undefined;
  private timer: NodeJS.Timeout | undefined;
  private ticking: Promise<unknown> | undefined;
  private lastCalendarHour = '';
  private stopListening: (() => Promise<void>) | undefined;

  constructor(
    private readonly db: Database,
    private readonly store: EventStore<Queryable>,
    private readonly settings: SagaSettings,
    private readonly channels: ReadonlyMap<ActionChannel, Channel>,
    private readonly now: () => Date,
    private readonly logger?: SagaLogger,
    /** Leases of the customer partitions shared with other saga processes (unstarted; the saga starts and stops them). */
    readonly partitions?: PartitionLeases<Queryable>,
  ) {
    this.rules = new RuleStore(db);
    this.index = new RuleIndex(this.rules);
    this.context = { index: this.index, store, settings, now };
    const owns = partitions ? (customerId: string) => partitions.owned().has(partitionOf(customerId, partitions.count)) : undefined;
    this.dispatcher = new Dispatcher(db, store, channels, settings, now, owns);
  }

  async start(): Promise<void> {
    if (this.subscription) return;
    await this.index.refresh();
    await this.partitions?.start();
    if (this.db.kind === 'postgres') {
      const refresh = (): void => void this.index.refresh().catch(() => undefined);
      this.stopListening = await this.db.listen(RULES_CHANNEL, refresh, refresh);
    }
    this.subscription = this.store.subscribe(SAGA_SUBSCRIPTION, (events, unit) => sagaBatch(events, unit, this.context), {
      batchSize: this.settings.batchSize,
      onError: (error) => this.logger?.error({ err: error }, 'saga batch failed; retrying'),
      partitions: this.partitions ? { ownership: this.partitions } : undefined,
    });
    if (this.settings.tickMs > 0) this.timer = setInterval(() => void this.tickSafely(), this.settings.tickMs);
  }

  /** Rules changed (here, or elsewhere when told): read them again, and tell other processes. */
  async rulesChanged(): Promise<void> {
    await this.index.refresh();
    if (this.db.kind === 'postgres') await this.db.notify(RULES_CHANNEL, '').catch(() => undefined);
  }

  async caughtUp(): Promise<void> {
    await this.subscription?.caughtUp();
  }

  /** Due timers, then the outbox until nothing is due, then (once an hour) calendar rules. */
  async tick(): Promise<DispatchReport> {
    while ((await fireDueTimers(this.context)) > 0);
    const total = await this.dispatcher.dispatchAll();
    // Calendar rules look every hour: a birthday begins at different hours around the world.
    const hour = this.now().toISOString().slice(0, 13);
    if (hour !== this.lastCalendarHour) {
      this.lastCalendarHour = hour;
      await this.runCalendarRules();
    }
    return total;
  }

  /** The `schedule:daily` rules, now (the hourly schedule calls it; a second call decides nothing new). */
  runCalendarRules(): Promise<number> {
    return runDailyRules(this.context);
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.ticking;
    await this.subscription?.stop();
    this.subscription = undefined;
    await this.partitions?.stop();
    await this.stopListening?.();
    for (const channel of this.channels.values()) await channel.close?.();
  }

  private async tickSafely(): Promise<void> {
    if (this.ticking) return;
    this.ticking = this.tick()
      .catch((error: unknown) => this.logger?.error({ err: error }, 'saga timers or dispatch failed'))
      .finally(() => (this.ticking = undefined));
    await this.ticking;
  }
}
