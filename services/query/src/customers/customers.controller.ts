import { Readable } from 'node:stream';
import { Controller, Get, Inject, Param, Query, Res } from '@nestjs/common';
import { ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { CUSTOMER_STREAM_PREFIX, VISITOR_STREAM_PREFIX } from '@journey/contracts';
import { customer360View, type Customer360View } from '@journey/domain';
import { EVENT_STORE, type EventStore } from '@journey/event-store';
import { type Database } from '@journey/database';
import { CONFIG, DATABASE, RequestRejectedError, Roles, type JourneyConfig } from '@journey/platform';
import { liveCustomer } from '@journey/projections';
import { parseFilter } from './customer-filter';
import { customerCsv, customerPage, decodeCursor, MAX_PAGE, type CustomerSummary } from './customer-list';

interface ReplyLike {
  header(name: string, value: string): ReplyLike;
  send(body: unknown): unknown;
}

interface RecentActivity {
  readonly eventId: string;
  readonly type: string;
  readonly occurredAt: string;
  readonly streamId: string;
  readonly data: unknown;
}

/** The customer 360 for marketing: the read model, and the recent activity from the streams. */
@ApiTags('marketing')
@Controller('v1/customers')
@Roles('marketing')
export class CustomersController {
  constructor(
    @Inject(DATABASE) private readonly db: Database,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(CONFIG) private readonly config: JourneyConfig,
  ) {}

  /** Customers matching the filters, a page at a time (keyset: pass `next` back as `after`). */
  @Get()
  @ApiOperation({ summary: 'Customers matching every filter given, 100 a page by default; pass `next` back as `after`' })
  @ApiQuery({ name: 'stage', required: false, example: 'at_risk', description: 'one or more stages, comma-separated' })
  @ApiQuery({ name: 'tier', required: false, example: 'high' })
  @ApiQuery({ name: 'segment', required: false, example: "Can't Lose Them" })
  @ApiQuery({ name: 'country', required: false, example: 'DE' })
  @ApiQuery({ name: 'city', required: false, example: 'Berlin' })
  @ApiQuery({ name: 'lastPurchaseBefore', required: false, example: '2026-09-01' })
  @ApiQuery({ name: 'lastPurchaseAfter', required: false, example: '2025-09-01' })
  @ApiQuery({ name: 'minRevenue', required: false, example: 50000, description: 'net revenue in minor units of the base currency' })
  @ApiQuery({ name: 'consent', required: false, example: 'email:marketing' })
  @ApiQuery({ name: 'openTicket', required: false, example: 'true' })
  @ApiQuery({ name: 'limit', required: false, example: 100 })
  @ApiQuery({ name: 'after', required: false, description: 'the `next` cursor of the previous page' })
  async list(@Query() query: Record<string, unknown>): Promise<{ customers: CustomerSummary[]; next: string | null; limit: number }> {
    const limitRaw = query.limit ?? '100';
    const limit = Number(limitRaw);
    const limitProblem =
      typeof limitRaw !== 'string' || !/^\d+$/.test(limitRaw) || limit < 1 || limit > MAX_PAGE ? { field: 'limit', reason: `must be an integer from 1 to ${MAX_PAGE}` } : undefined;
    let filter;
    try {
      filter = parseFilter(query, ['after', 'limit']);
    } catch (error) {
      if (error instanceof RequestRejectedError && limitProblem) throw new RequestRejectedError(400, error.title, [...error.errors, limitProblem]);
      throw error;
    }
    if (limitProblem) throw new RequestRejectedError(400, 'Invalid filter', [limitProblem]);
    const after = decodeCursor(typeof query.after === 'string' ? query.after : query.after === undefined ? undefined : '');
    return { ...(await customerPage(this.db, filter, this.config.projections.rates, after, limit)), limit };
  }

  @Get(':customerId')
  async get(@Param('customerId') customerId: string): Promise<Customer360View & { recentActivity: readonly RecentActivity[] }> {
    const customer = await liveCustomer(this.db, customerId);
    if (!customer) {
      throw new RequestRejectedError(404, 'Customer not found', [{ field: 'customerId', reason: `no customer ${customerId} in the 360 (yet)` }]);
    }
    const view = customer360View(customer, this.config.projections.rates);
    return { ...view, recentActivity: view.forgotten ? [] : await this.recent(customerId, customer.identities) };
  }

  /** The last 20 events of the customer and of the visitors they were: the streams serve them. */
  private async recent(customerId: string, identities: readonly string[]): Promise<RecentActivity[]> {
    const streams = [CUSTOMER_STREAM_PREFIX + customerId, ...identities.map((id) => VISITOR_STREAM_PREFIX + id)];
    const events = await this.store.readRecent(streams, 20);
    return events.map((e) => ({ eventId: e.eventId, type: e.type, occurredAt: e.occurredAt, streamId: e.streamId, data: e.data }));
  }
}

/** The filtered list as a CSV file, streamed as it is read (the filters of GET /v1/customers). */
@ApiTags('marketing')
@Controller('v1/exports')
@Roles('marketing')
export class ExportsController {
  constructor(
    @Inject(DATABASE) private readonly db: Database,
    @Inject(CONFIG) private readonly config: JourneyConfig,
  ) {}

  @Get('customers.csv')
  exportCustomers(@Query() query: Record<string, unknown>, @Res() reply: ReplyLike): void {
    const filter = parseFilter(query);
    reply
      .header('content-type', 'text/csv; charset=utf-8')
      .header('content-disposition', `attachment; filename="customers-${new Date().toISOString().slice(0, 10)}.csv"`)
      .send(Readable.from(customerCsv(this.db, filter, this.config.projections.rates)));
  }
}
