import { Inject } from '@nestjs/common';
import { QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import type { Database } from '@journey/database';
import { DATABASE } from '@journey/platform';
import { PredictionSummaryQuery, type PredictionSummary } from './prediction-summary.query';

/** Above this many scored customers the distribution is read from a sample of about SAMPLE rows. */
const EXACT_UP_TO = 200_000;
const SAMPLE = 50_000;

/**
 * Reads journey.customer_predictions (the predictions read model), where the engine has one: all
 * of it for a small population, a block sample of it (TABLESAMPLE SYSTEM) for a large one, so a
 * page load never scans millions of rows for a chart of ten bars.
 */
@QueryHandler(PredictionSummaryQuery)
export class PredictionSummaryHandler implements IQueryHandler<PredictionSummaryQuery> {
  constructor(@Inject(DATABASE) private readonly db: Database) {}

  async execute(): Promise<PredictionSummary> {
    const { rows: found } = await this.db.query<{ rows: number | null }>(
      `SELECT (SELECT reltuples FROM pg_class WHERE oid = to_regclass('journey.customer_predictions'))::float8 AS rows`,
    );
    const estimate = found[0]?.rows;
    if (estimate === null || estimate === undefined) return { available: false, customers: 0, sampled: false, currency: null, pAlive: [], churnBands: {}, clvDeciles: [] };
    const sampled = estimate > EXACT_UP_TO;
    const source = sampled ? `journey.customer_predictions TABLESAMPLE SYSTEM (${Math.max(0.01, Math.min(100, (100 * SAMPLE) / estimate)).toFixed(4)})` : 'journey.customer_predictions';
    const { rows } = await this.db.query<{ kind: string; key: string; n: string; low: string | null; high: string | null; mean: string | null; currency: string | null }>(
      `WITH s AS (SELECT p_alive, churn_band, clv_12m, currency FROM ${source})
       SELECT 'alive' AS kind, least(9, floor(p_alive * 10))::int::text AS key, count(*) AS n, NULL AS low, NULL AS high, NULL AS mean, NULL AS currency FROM s GROUP BY 2
       UNION ALL SELECT 'band', churn_band, count(*), NULL, NULL, NULL, NULL FROM s GROUP BY 2
       UNION ALL SELECT 'decile', decile::text, count(*), min(clv_12m)::text, max(clv_12m)::text, round(avg(clv_12m))::text, min(currency)
         FROM (SELECT clv_12m, currency, ntile(10) OVER (ORDER BY clv_12m DESC) AS decile FROM s) AS d GROUP BY decile`,
    );
    const total = rows.filter((row) => row.kind === 'band').reduce((sum, row) => sum + Number(row.n), 0);
    const share = (n: string): number => (total > 0 ? Number(n) / total : 0);
    const pAlive = new Array<number>(10).fill(0);
    const churnBands: Record<string, number> = {};
    const deciles: Array<PredictionSummary['clvDeciles'][number]> = [];
    let currency: string | null = null;
    for (const row of rows) {
      if (row.kind === 'alive') pAlive[Number(row.key)] = share(row.n);
      else if (row.kind === 'band') churnBands[row.key] = share(row.n);
      else {
        currency ??= row.currency;
        deciles.push({ decile: Number(row.key), minClv: Number(row.low), maxClv: Number(row.high), averageClv: Number(row.mean), share: share(row.n) });
      }
    }
    return { available: true, customers: sampled ? Math.round(estimate) : total, sampled, currency, pAlive, churnBands, clvDeciles: deciles.sort((a, b) => a.decile - b.decile) };
  }
}
