import { Query } from '@nestjs/cqrs';
import type { CustomerFilter } from '../customer-filter';

/** The customers matching a filter as CSV lines, read as they are consumed. */
export class ExportCustomersQuery extends Query<AsyncIterable<string>> {
  constructor(readonly filter: CustomerFilter) {
    super();
  }
}
