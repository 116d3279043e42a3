import { Inject } from '@nestjs/common';
import { QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import type { Database } from '@journey/database';
import { CONFIG, DATABASE, type JourneyConfig } from '@journey/platform';
import { customerPage } from '../customer-list';
import { ListCustomersQuery, type CustomerListPage } from './list-customers.query';

@QueryHandler(ListCustomersQuery)
export class ListCustomersHandler implements IQueryHandler<ListCustomersQuery> {
  constructor(
    @Inject(DATABASE) private readonly db: Database,
    @Inject(CONFIG) private readonly config: JourneyConfig,
  ) {}

  async execute({ filter, after, limit }: ListCustomersQuery): Promise<CustomerListPage> {
    return { ...(await customerPage(this.db, filter, this.config.projections.rates, after, limit)), limit };
  }
}
