import { Query } from '@nestjs/cqrs';
import type { Customer360View } from '@journey/domain';
import type { CustomerAsOf } from '@journey/projections';

export type CustomerAsOfView = Omit<CustomerAsOf, 'customer'> & { readonly customer: Customer360View };

/** The customer as the engine knew them at an instant: the 360, the stage and the tier then. */
export class CustomerAsOfQuery extends Query<CustomerAsOfView> {
  constructor(
    readonly customerId: string,
    /** The instant as the client gave it (named in a 404). */
    readonly at: string,
  ) {
    super();
  }
}
