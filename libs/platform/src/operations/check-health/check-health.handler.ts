import { Inject } from '@nestjs/common';
import { QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import type { Database } from '@journey/database';
import { lagPerConsumer, type ConsumerLag } from '@journey/event-store';
import type { LagMonitor } from '../../lag/lag-monitor';
import { LAG_MONITOR } from '../../lag/lag.providers';
import { DATABASE } from '../../tokens';
import { PARTITIONS, type PartitionRegistry } from '../../partitions/partition-registry';
import { CheckHealthQuery, type ConsumerLags, type Health } from './check-health.query';

@QueryHandler(CheckHealthQuery)
export class CheckHealthHandler implements IQueryHandler<CheckHealthQuery> {
  constructor(
    @Inject(DATABASE) private readonly db: Database,
    @Inject(LAG_MONITOR) private readonly lagMonitor: LagMonitor,
    @Inject(PARTITIONS) private readonly partitions: PartitionRegistry,
  ) {}

  async execute(): Promise<Health> {
    const started = performance.now();
    try {
      await this.db.query('SELECT 1');
      const latencyMs = round(performance.now() - started);
      // Readiness is the database's: a consumer far behind is shown, not failed; a partitioned one by its partition furthest behind.
      const lag = await this.lagMonitor.lags().then(byConsumer, () => undefined);
      const held = this.partitions.statuses();
      const partitions = Object.fromEntries(held.map((status) => [status.group, { owned: status.owned, of: status.count, members: status.members }]));
      return { status: 'ok', database: { kind: this.db.kind, latencyMs }, lag, ...(held.length > 0 ? { partitions } : {}) };
    } catch (error) {
      return { status: 'unavailable', database: { kind: this.db.kind, error: (error as Error).message } };
    }
  }
}

function round(ms: number): number {
  return Math.round(ms * 100) / 100;
}

function byConsumer(lags: readonly ConsumerLag[]): ConsumerLags {
  return Object.fromEntries(lagPerConsumer(lags).map((lag) => [lag.name, { events: lag.events, seconds: round(lag.seconds) }]));
}
