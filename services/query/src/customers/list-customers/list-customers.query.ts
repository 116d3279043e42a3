import { Query } from '@nestjs/cqrs';
import type { CustomerFilter } from '../customer-filter';
import type { CustomerSummary } from '../customer-list';

export interface CustomerListPage {
  readonly customers: CustomerSummary[];
  /** The cursor of the next page, null on the last. */
  readonly next: string | null;
  readonly limit: number;
}

/** A page of the customers matching a filter, after a customer id (keyset). */
export class ListCustomersQuery extends Query<CustomerListPage> {
  constructor(
    readonly filter: CustomerFilter,
    readonly after: string,
    readonly limit: number,
  ) {
    super();
  }
}
