import { Inject } from '@nestjs/common';
import { QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { customer360View } from '@journey/domain';
import { EVENT_STORE, type EventStore } from '@journey/event-store';
import type { Database } from '@journey/database';
import { CONFIG, DATABASE, RequestRejectedError, type JourneyConfig } from '@journey/platform';
import { customerAsOf, joinedCustomersIn } from '@journey/projections';
import { CustomerAsOfQuery, type CustomerAsOfView } from './customer-as-of.query';

@QueryHandler(CustomerAsOfQuery)
export class CustomerAsOfHandler implements IQueryHandler<CustomerAsOfQuery> {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(DATABASE) private readonly db: Database,
    @Inject(CONFIG) private readonly config: JourneyConfig,
  ) {}

  async execute({ customerId, at, instant, by }: CustomerAsOfQuery): Promise<CustomerAsOfView> {
    const answer = await customerAsOf(this.store, joinedCustomersIn(this.db), customerId, instant, this.config.projections.lifecycle, by);
    if (!answer) throw new RequestRejectedError(404, 'Customer not found', [{ field: 'customerId', reason: `nothing of ${customerId} was ${by} by ${at}` }]);
    return { ...answer, customer: customer360View(answer.customer, this.config.projections.rates) };
  }
}
