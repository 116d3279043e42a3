import { Query } from '@nestjs/cqrs';
import type { Funnel } from '../analytics';

/** Customers per stage now, and the stage changes of a period (default: the last 30 days). */
export class LifecycleFunnelQuery extends Query<Funnel> {
  constructor(
    readonly from?: string,
    readonly to?: string,
    /** False: the stage counts only, without reading the period's stage changes from the log. */
    readonly withTransitions = true,
  ) {
    super();
  }
}
