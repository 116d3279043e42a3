import { Body, Controller, Post, Query, Res } from '@nestjs/common';
import { Roles } from '@journey/platform';
import { AppendEventsHandler } from './append-events.handler';

interface ReplyLike {
  status(code: number): ReplyLike;
  send(body: unknown): unknown;
}

@Controller('v1/events')
@Roles('ingest')
export class IngestController {
  constructor(private readonly handler: AppendEventsHandler) {}

  @Post()
  async append(@Body() body: unknown, @Query('expectedVersion') expectedVersion: string | undefined, @Res() reply: ReplyLike): Promise<void> {
    const result = await this.handler.handle(body, expectedVersion);
    reply.status(result.status).send(result.body);
  }
}
