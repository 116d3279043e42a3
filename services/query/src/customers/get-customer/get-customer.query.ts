import { Query } from '@nestjs/cqrs';
import type { Customer360View } from '@journey/domain';

export interface RecentActivity {
  readonly eventId: string;
  readonly type: string;
  readonly occurredAt: string;
  readonly streamId: string;
  readonly data: unknown;
}

export type CustomerDetail = Customer360View & { readonly recentActivity: readonly RecentActivity[] };

/** One customer's 360, with their recent activity from the streams. */
export class GetCustomerQuery extends Query<CustomerDetail> {
  constructor(readonly customerId: string) {
    super();
  }
}
