import { Query } from '@nestjs/cqrs';
import type { Customer360View } from '@journey/domain';
import type { RecordedEvent } from '@journey/event-store';

export interface CustomerExport {
  readonly customerId: string;
  readonly exportedAt: string;
  readonly forgotten: boolean;
  /** The 360 as the read model holds it (null before the projector has seen the customer). */
  readonly customer360: Customer360View | null;
  readonly identities: readonly string[];
  /** Every event of the customer's stream and of the visitors they were, PII opened. */
  readonly streams: ReadonlyArray<{ readonly streamId: string; readonly events: readonly RecordedEvent[] }>;
  /** What the saga decided and sent about them. */
  readonly decisions: readonly Record<string, unknown>[];
  readonly actions: readonly Record<string, unknown>[];
}

/** Everything the engine holds about a customer, opened. */
export class ExportCustomerQuery extends Query<CustomerExport> {
  constructor(readonly customerId: string) {
    super();
  }
}
