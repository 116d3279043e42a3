import { Inject } from '@nestjs/common';
import { QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import type { Database } from '@journey/database';
import { CLOCK, DATABASE, type Clock } from '@journey/platform';
import { lifecycleFunnel, type Funnel } from '../analytics';
import { period } from '../period';
import { LifecycleFunnelQuery } from './lifecycle-funnel.query';

@QueryHandler(LifecycleFunnelQuery)
export class LifecycleFunnelHandler implements IQueryHandler<LifecycleFunnelQuery> {
  constructor(
    @Inject(DATABASE) private readonly db: Database,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  execute({ from, to, withTransitions }: LifecycleFunnelQuery): Promise<Funnel> {
    const now = this.clock();
    return lifecycleFunnel(this.db, period(from, to, now, 30), now, withTransitions);
  }
}
