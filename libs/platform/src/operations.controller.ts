import { Controller, Get, Header, HttpCode, Inject, Res } from '@nestjs/common';
import type { Database } from '@journey/database';
import type { ConsumerLag } from '@journey/event-store';
import type { Registry } from 'prom-client';
import { Public } from './auth/roles';
import { DATABASE, METRICS } from './tokens';
import type { LagMonitor } from './lag/lag-monitor';
import { LAG_MONITOR } from './lag/lag.providers';

interface ReplyLike {
  status(code: number): ReplyLike;
  header(name: string, value: string): ReplyLike;
  send(body: unknown): unknown;
}

/** Liveness and readiness (`/health`) and Prometheus metrics (`/metrics`). */
@Controller()
export class OperationsController {
  constructor(
    @Inject(DATABASE) private readonly db: Database,
    @Inject(METRICS) private readonly registry: Registry,
    @Inject(LAG_MONITOR) private readonly lagMonitor: LagMonitor,
  ) {}

  @Get('health')
  @Public()
  async health(@Res() reply: ReplyLike): Promise<void> {
    const started = performance.now();
    try {
      await this.db.query('SELECT 1');
      const latencyMs = round(performance.now() - started);
      // Readiness is the database's: a consumer far behind is shown, not failed.
      const lag = await this.lagMonitor.lags().then(byConsumer, () => undefined);
      reply.status(200).send({ status: 'ok', database: { kind: this.db.kind, latencyMs }, lag });
    } catch (error) {
      reply.status(503).header('retry-after', '1').send({
        status: 'unavailable',
        database: { kind: this.db.kind, error: (error as Error).message },
      });
    }
  }

  @Get('metrics')
  @HttpCode(200)
  @Header('cache-control', 'no-store')
  async metrics(@Res() reply: ReplyLike): Promise<void> {
    reply.header('content-type', this.registry.contentType).send(await this.registry.metrics());
  }
}

function byConsumer(lags: readonly ConsumerLag[]): Record<string, { events: number; seconds: number }> {
  return Object.fromEntries(lags.map((lag) => [lag.name, { events: lag.events, seconds: round(lag.seconds) }]));
}

function round(ms: number): number {
  return Math.round(ms * 100) / 100;
}
