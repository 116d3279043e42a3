import type { ActionChannel } from '@journey/contracts';
import { ownsCustomer, type EventStore, type PartitionLeases } from '@journey/event-store';
import type { Database, Queryable } from '@journey/database';
import type { Channel } from './channels/channel';
import { runDailyRules } from './daily-rules';
import { Dispatcher, type DispatchReport } from './dispatcher';
import { ruleCatalog, type RuleCatalog } from './rules/rule-catalog';
import type { RuleIndex } from './rules/rule-index';
import type { RuleStore } from './rules/rule-store';
import { RulesDecider } from './rules-decider';
import type { SagaContext } from './saga-context';
import type { SagaSettings } from './saga-settings';
import { fireDueTimers } from './timers';

export { RULES_CHANNEL } from './rules/rule-catalog';

/** The lease group in which the processes running the saga share the customer partitions. */
export const SAGA_PARTITIONS = 'saga:customers';

export interface SagaLogger {
  info(fields: object, message: string): void;
  error(fields: object, message: string): void;
}

/**
 * The journeys runtime around the customer pass: the loop that fires due timers and delivers the
 * outbox, and the hourly run of calendar rules. Events are judged by the pass itself (the
 * RulesDecider this gives), on the 360 each event left. The same in the engine and in
 * services/saga; several processes share timers and the outbox safely.
 */
export class Saga {
  readonly rules: RuleStore;
  readonly index: RuleIndex;
  private readonly catalog: RuleCatalog;
  private readonly dispatcher: Dispatcher;
  private readonly context: SagaContext;
  private started = false;
  private timer: NodeJS.Timeout | undefined;
  private ticking: Promise<unknown> | undefined;
  private lastCalendarHour = '';

  constructor(
    db: Database,
    store: EventStore<Queryable>,
    private readonly settings: SagaSettings,
    private readonly channels: ReadonlyMap<ActionChannel, Channel>,
    private readonly now: () => Date,
    private readonly logger?: SagaLogger,
    /**
     * Leases of the customer partitions shared by the processes running the saga (unstarted; the
     * saga starts and stops them): due timers, deliveries and calendar rules of a customer are
     * handled by the process holding its partition. Without them this process handles them all.
     */
    private readonly partitions?: PartitionLeases<Queryable>,
  ) {
    this.catalog = ruleCatalog(db);
    this.rules = this.catalog.rules;
    this.index = this.catalog.index;
    const owns = ownsCustomer(partitions);
    this.context = { index: this.index, store, settings, now, owns };
    this.dispatcher = new Dispatcher(db, store, channels, settings, now, this.index, owns);
  }

  /** The rules as a decider of the customer pass, with this saga's settings and clock. */
  decider(): RulesDecider {
    return new RulesDecider(this.catalog, this.settings, this.now);
  }

  async start(): Promise<void> {
    if (this.started) return;
    this.started = true;
    await this.partitions?.start();
    await this.catalog.open();
    if (this.settings.tickMs > 0) this.timer = setInterval(() => void this.tickSafely(), this.settings.tickMs);
  }

  /** Rules changed (here, or elsewhere when told): read them again, and tell other processes. */
  async rulesChanged(): Promise<void> {
    await this.catalog.changed();
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
    if (this.started) await this.catalog.close();
    if (this.started) await this.partitions?.stop();
    this.started = false;
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
