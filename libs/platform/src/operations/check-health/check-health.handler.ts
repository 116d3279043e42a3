import { Inject } from '@nestjs/common';
import { QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import type { Database } from '@journey/database';
import { DATABASE } from '../../tokens';
import { CheckHealthQuery, type Health } from './check-health.query';

@QueryHandler(CheckHealthQuery)
export class CheckHealthHandler implements IQueryHandler<CheckHealthQuery> {
  constructor(@Inject(DATABASE) private readonly db: Database) {}

  async execute(): Promise<Health> {
    const started = performance.now();
    try {
      await this.db.query('SELECT 1');
      return { status: 'ok', database: { kind: this.db.kind, latencyMs: round(performance.now() - started) } };
    } catch (error) {
      return { status: 'unavailable', database: { kind: this.db.kind, error: (error as Error).message } };
    }
  }
}

function round(ms: number): number {
  return Math.round(ms * 100) / 100;
}
