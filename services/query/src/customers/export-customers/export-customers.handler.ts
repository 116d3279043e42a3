import { Inject } from '@nestjs/common';
import { QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import type { Database } from '@journey/database';
import { CONFIG, DATABASE, type JourneyConfig } from '@journey/platform';
import { customerCsv } from '../customer-list';
import { ExportCustomersQuery } from './export-customers.query';

@QueryHandler(ExportCustomersQuery)
export class ExportCustomersHandler implements IQueryHandler<ExportCustomersQuery> {
  constructor(
    @Inject(DATABASE) private readonly db: Database,
    @Inject(CONFIG) private readonly config: JourneyConfig,
  ) {}

  execute({ filter }: ExportCustomersQuery): Promise<AsyncIterable<string>> {
    return Promise.resolve(customerCsv(this.db, filter, this.config.projections.rates));
  }
}
