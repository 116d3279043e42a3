import { Controller, Get, Header, HttpCode, Res } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { Public } from './auth/roles';
import { ApiAnswer } from './openapi/api-answer';
import { CheckHealthQuery, type Health } from './operations/check-health/check-health.query';
import { ReadMetricsQuery } from './operations/read-metrics/read-metrics.query';

interface ReplyLike {
  status(code: number): ReplyLike;
  header(name: string, value: string): ReplyLike;
  send(body: unknown): unknown;
}

/** Liveness and readiness (`/health`) and Prometheus metrics (`/metrics`). */
@ApiTags('operations')
@Controller()
export class OperationsController {
  constructor(private readonly queries: QueryBus) {}

  @Get('health')
  @Public()
  @ApiOperation({ summary: 'Liveness and readiness: 200 when the database answers and the consumers keep up, 503 otherwise' })
  @ApiAnswer<Health>([200, 503])
  async health(@Res() reply: ReplyLike): Promise<void> {
    const health = await this.queries.execute(new CheckHealthQuery());
    if (health.status === 'ok') reply.status(200).send(health);
    else reply.status(503).header('retry-after', '1').send(health);
  }

  @Get('metrics')
  @HttpCode(200)
  @Header('cache-control', 'no-store')
  @ApiOperation({ summary: 'Prometheus metrics (text exposition format), for admins' })
  @ApiAnswer<string>(200, { contentType: 'text/plain' })
  async metrics(@Res() reply: ReplyLike): Promise<void> {
    const { contentType, text } = await this.queries.execute(new ReadMetricsQuery());
    reply.header('content-type', contentType).send(text);
  }
}
