import { Query } from '@nestjs/cqrs';
import type { Customer360View } from '@journey/domain';
import type { CustomerPredictions } from '@journey/projections';

export interface RecentActivity {
  readonly eventId: string;
  readonly type: string;
  readonly occurredAt: string;
  readonly streamId: string;
  readonly data: unknown;
}

/** The 360 with its recent activity and the purchase models' predictions (null until the customer is first scored). */
export type CustomerDetail = Customer360View & { readonly recentActivity: readonly RecentActivity[]; readonly predictions: CustomerPredictions | null };

/** One customer's 360, with their recent activity from the streams. */
export class GetCustomerQuery extends Query<CustomerDetail> {
  constructor(readonly customerId: string) {
    super();
  }
}
