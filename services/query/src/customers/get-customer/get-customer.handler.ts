import { Inject } from '@nestjs/common';
import { QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { CUSTOMER_STREAM_PREFIX, VISITOR_STREAM_PREFIX } from '@journey/contracts';
import { customer360View } from '@journey/domain';
import { EVENT_STORE, type EventStore } from '@journey/event-store';
import type { Database } from '@journey/database';
import { CONFIG, DATABASE, RequestRejectedError, type JourneyConfig } from '@journey/platform';
import { liveCustomer, predictionsOf } from '@journey/projections';
import { GetCustomerQuery, type CustomerDetail, type RecentActivity } from './get-customer.query';

const RECENT = 20;

/** The 360 from the read model; the recent activity from the streams, which serve it in order. */
@QueryHandler(GetCustomerQuery)
export class GetCustomerHandler implements IQueryHandler<GetCustomerQuery> {
  constructor(
    @Inject(DATABASE) private readonly db: Database,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(CONFIG) private readonly config: JourneyConfig,
  ) {}

  async execute({ customerId }: GetCustomerQuery): Promise<CustomerDetail> {
    const customer = await liveCustomer(this.db, customerId);
    if (!customer) {
      throw new RequestRejectedError(404, 'Customer not found', [{ field: 'customerId', reason: `no customer ${customerId} in the 360 (yet)` }]);
    }
    const view = customer360View(customer, this.config.projections.rates);
    if (view.forgotten) return { ...view, recentActivity: [], predictions: null };
    const [recentActivity, predictions] = await Promise.all([this.recent(customerId, customer.identities), predictionsOf(this.db, customerId)]);
    return { ...view, recentActivity, predictions };
  }

  /** The last events of the customer and of the visitors they were. */
  private async recent(customerId: string, identities: readonly string[]): Promise<RecentActivity[]> {
    const streams = [CUSTOMER_STREAM_PREFIX + customerId, ...identities.map((id) => VISITOR_STREAM_PREFIX + id)];
    const events = await this.store.readRecent(streams, RECENT);
    return events.map((e) => ({ eventId: e.eventId, type: e.type, occurredAt: e.occurredAt, streamId: e.streamId, data: e.data }));
  }
}
