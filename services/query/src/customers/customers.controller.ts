import { Controller, Get, Param, Query } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { RequestRejectedError, Roles } from '@journey/platform';
import { parseFilter } from './customer-filter';
import { decodeCursor, MAX_PAGE } from './customer-list';
import { CustomerJourneyQuery, type CustomerJourney } from './customer-journey/customer-journey.query';
import { GetCustomerQuery, type CustomerDetail } from './get-customer/get-customer.query';
import { ListCustomersQuery, type CustomerListPage } from './list-customers/list-customers.query';

/** The customer 360 for marketing: the read model, and the recent activity from the streams. */
@ApiTags('marketing')
@Controller('v1/customers')
@Roles('marketing')
export class CustomersController {
  constructor(private readonly queries: QueryBus) {}

  /** Customers matching the filters, a page at a time (keyset: pass `next` back as `after`). */
  @Get()
  @ApiOperation({ summary: 'Customers matching every filter given, 100 a page by default; pass `next` back as `after`' })
  @ApiQuery({ name: 'stage', required: false, example: 'at_risk', description: 'one or more stages, comma-separated' })
  @ApiQuery({ name: 'tier', required: false, example: 'high' })
  @ApiQuery({ name: 'segment', required: false, example: "Can't Lose Them" })
  @ApiQuery({ name: 'country', required: false, example: 'DE' })
  @ApiQuery({ name: 'city', required: false, example: 'Berlin' })
  @ApiQuery({ name: 'email', required: false, example: 'ada@example.com', description: 'the e-mail of the profile, any case' })
  @ApiQuery({ name: 'lastPurchaseBefore', required: false, example: '2026-09-01' })
  @ApiQuery({ name: 'lastPurchaseAfter', required: false, example: '2025-09-01' })
  @ApiQuery({ name: 'minRevenue', required: false, example: 50000, description: 'net revenue in minor units of the base currency' })
  @ApiQuery({ name: 'consent', required: false, example: 'email:marketing' })
  @ApiQuery({ name: 'openTicket', required: false, example: 'true' })
  @ApiQuery({ name: 'limit', required: false, example: 100 })
  @ApiQuery({ name: 'after', required: false, description: 'the `next` cursor of the previous page' })
  async list(@Query() query: Record<string, unknown>): Promise<CustomerListPage> {
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
    return this.queries.execute(new ListCustomersQuery(filter, after, limit));
  }

  /** The customer's whole journey, newest first: their stream's events a page at a time, and the rules' decisions. */
  @Get(':customerId/journey')
  @ApiOperation({ summary: "A customer's events (newest first; pass `next` back as `before`) and the rules' decisions about them" })
  @ApiQuery({ name: 'before', required: false, description: 'the `next` of the previous page: events before this stream position' })
  @ApiQuery({ name: 'limit', required: false, example: 200 })
  journey(@Param('customerId') customerId: string, @Query('before') before?: string, @Query('limit') limit?: string): Promise<CustomerJourney> {
    const errors: Array<{ field: string; reason: string }> = [];
    if (before !== undefined && (!/^\d+$/.test(before) || Number(before) < 1)) errors.push({ field: 'before', reason: 'must be a stream position, an integer from 1' });
    if (limit !== undefined && (!/^\d+$/.test(limit) || Number(limit) < 1 || Number(limit) > MAX_PAGE)) errors.push({ field: 'limit', reason: `must be an integer from 1 to ${MAX_PAGE}` });
    if (errors.length > 0) throw new RequestRejectedError(400, 'Invalid query', errors);
    return this.queries.execute(new CustomerJourneyQuery(customerId, before === undefined ? undefined : Number(before), limit === undefined ? 200 : Number(limit)));
  }

  @Get(':customerId')
  @ApiOperation({ summary: "A customer's 360: profile, consent, commerce by currency, activity, lifecycle, value tier, recent activity" })
  get(@Param('customerId') customerId: string): Promise<CustomerDetail> {
    return this.queries.execute(new GetCustomerQuery(customerId));
  }
}
