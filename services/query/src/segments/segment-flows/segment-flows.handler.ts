import { Inject } from '@nestjs/common';
import { QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import type { Database } from '@journey/database';
import { DATABASE } from '@journey/platform';
import { segmentFlows } from '@journey/projections';
import { SegmentFlowsQuery, type SegmentFlows } from './segment-flows.query';

@QueryHandler(SegmentFlowsQuery)
export class SegmentFlowsHandler implements IQueryHandler<SegmentFlowsQuery> {
  constructor(@Inject(DATABASE) private readonly db: Database) {}

  async execute({ from, to }: SegmentFlowsQuery): Promise<SegmentFlows> {
    return { from, to, segments: await segmentFlows(this.db, from, to) };
  }
}
