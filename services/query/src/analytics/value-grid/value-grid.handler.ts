import { Inject } from '@nestjs/common';
import { QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import type { Database } from '@journey/database';
import { DATABASE } from '@journey/platform';
import { valueGrid, type ValueGrid } from '../analytics';
import { ValueGridQuery } from './value-grid.query';

@QueryHandler(ValueGridQuery)
export class ValueGridHandler implements IQueryHandler<ValueGridQuery> {
  constructor(@Inject(DATABASE) private readonly db: Database) {}

  execute(): Promise<ValueGrid> {
    return valueGrid(this.db);
  }
}
