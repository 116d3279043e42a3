import { Controller, Get, Header, HttpCode, Res } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { Public } from './auth/roles';
import { CheckHealthQuery } from './operations/check-health/check-health.query';
import { ReadMetricsQuery } from './operations/read-metrics/read-metrics.query';

interface ReplyLike {
  status(code: number): ReplyLike;
  header(name: string, value: string): ReplyLike;
  send(body: unknown): unknown;
}

/** Liveness and readiness (`/health`) and Prometheus metrics (`/metrics`). */
@Controller()
export class OperationsController {
  constructor(private readonly queries: QueryBus) {}

  @Get('health')
  @Public()
  async health(@Res() reply: ReplyLike): Promise<void> {
    const health = await this.queries.execute(new CheckHealthQuery());
    if (health.status === 'ok') reply.status(200).send(health);
    else reply.status(503).header('retry-after', '1').send(health);
  }

  @Get('metrics')
  @HttpCode(200)
  @Header('cache-control', 'no-store')
  async metrics(@Res() reply: ReplyLike): Promise<void> {
    const { contentType, text } = await this.queries.execute(new ReadMetricsQuery());
    reply.header('content-type', contentType).send(text);
  }
}
