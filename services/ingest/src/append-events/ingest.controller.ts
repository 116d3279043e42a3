import { Body, Controller, Post, Query, Res } from '@nestjs/common';
import { ApiBody, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { CommandBus } from '@nestjs/cqrs';
import { eventSchemas } from '@journey/contracts';
import { ApiAnswer, ApiProblems, Roles } from '@journey/platform';
import { AppendEventsCommand } from './append-events.command';
import type { IngestReply } from './ingest-reply';

interface ReplyLike {
  status(code: number): ReplyLike;
  header(name: string, value: string): ReplyLike;
  send(body: unknown): unknown;
}

@ApiTags('ingest')
@Controller('v1/events')
@Roles('ingest')
export class IngestController {
  constructor(private readonly commands: CommandBus) {}

  @Post()
  @ApiOperation({
    summary: 'Append one event, or {events: [...]} (at most 1,000 and 5 MiB): 202 all accepted, 207 some rejected, 400 none, 429 while the pipeline lags past the admission limit',
  })
  @ApiAnswer<IngestReply['body']>([202, 207])
  @ApiProblems(409, 413, 415, 429, 503)
  @ApiQuery({ name: 'expectedVersion', required: false, description: 'for one event: the version its stream must be at (a number, or no_stream)', example: 'no_stream' })
  @ApiBody({
    schema: eventSchemas().request,
    examples: {
      purchase: {
        summary: 'A purchase',
        value: {
          eventId: '7d6f1c1e-2b7a-4f59-9a51-5f0e8f0f7a01',
          type: 'PurchaseCompleted',
          customerId: 'c-42',
          occurredAt: '2026-03-01T12:00:00Z',
          source: 'shop',
          data: { orderId: 'o-1001', items: [{ sku: 'SKU-1', category: 'shoes', quantity: 1, unitPrice: 8999 }], total: 8999, currency: 'EUR' },
        },
      },
    },
  })
  async append(@Body() body: unknown, @Res() reply: ReplyLike, @Query('expectedVersion') expectedVersion?: string): Promise<void> {
    const result = await this.commands.execute(new AppendEventsCommand(body, expectedVersion));
    reply.status(result.status).send(result.body);
  }
}
