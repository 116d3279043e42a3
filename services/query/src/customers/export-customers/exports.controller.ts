import { Readable } from 'node:stream';
import { Controller, Get, Query, Res } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiAnswer, Roles } from '@journey/platform';
import { parseFilter } from '../customer-filter';
import { ExportCustomersQuery } from './export-customers.query';

interface ReplyLike {
  header(name: string, value: string): ReplyLike;
  send(body: unknown): unknown;
}

/** The filtered list as a CSV file, streamed as it is read (the filters of GET /v1/customers). */
@ApiTags('marketing')
@Controller('v1/exports')
@Roles('marketing')
export class ExportsController {
  constructor(private readonly queries: QueryBus) {}

  @Get('customers.csv')
  @ApiOperation({ summary: 'The customers matching the filters of GET /v1/customers, as a CSV file streamed as it is read' })
  @ApiAnswer<string>(200, { contentType: 'text/csv' })
  async exportCustomers(@Query() query: Record<string, unknown>, @Res() reply: ReplyLike): Promise<void> {
    const lines = await this.queries.execute(new ExportCustomersQuery(parseFilter(query)));
    reply
      .header('content-type', 'text/csv; charset=utf-8')
      .header('content-disposition', `attachment; filename="customers-${new Date().toISOString().slice(0, 10)}.csv"`)
      .send(Readable.from(lines));
  }
}
