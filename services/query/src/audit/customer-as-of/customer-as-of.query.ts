import { Query } from '@nestjs/cqrs';
import type { Customer360View } from '@journey/domain';
import type { AsOfClock, CustomerAsOf } from '@journey/projections';

export type CustomerAsOfView = Omit<CustomerAsOf, 'customer'> & { readonly customer: Customer360View };

/** The customer as of an instant, by the clock asked for: the 360, the stage and the tier then. */
export class CustomerAsOfQuery extends Query<CustomerAsOfView> {
  constructor(
    readonly customerId: string,
    /** The instant as the client gave it (named in a 404). */
    readonly at: string,
    readonly instant: Date,
    readonly by: AsOfClock,
  ) {
    super();
  }
}
