import { toBase, type CurrencyRates } from '@journey/domain';
import type { Queryable } from '@journey/database';
import { HistoryTally, PACE_WEEKS, WEEK_MS, type ModelInput } from '@journey/predictions';
import { LIVE_TABLES } from './customer-360.table';

const PAGE = 10_000;
/** The backtest holds out up to 13 weeks, and at most a third of the shop's history. */
const HOLDOUT_WEEKS = 13;

export interface Extracted {
  readonly ids: string[];
  readonly inputs: ModelInput[];
  /** Aligned with `ids`: the input as of the backtest's cutoff (undefined: a customer who first bought after it). */
  readonly calibration: Array<ModelInput | undefined>;
  readonly tally: HistoryTally;
  readonly firstAt: number;
}

/** Every buyer (forgotten ones aside) in keyset pages of the 360: the fit's inputs and the backtest's tallies. */
export async function extractHistories(db: Queryable, rates: CurrencyRates, now: number, onPage: (done: number, total: number) => void): Promise<Extracted> {
  const { rows: head } = await db.query<{ n: number | string; first: Date | null }>(
    `SELECT count(*) AS n, min(first_purchase_at) AS first FROM ${LIVE_TABLES.customers} WHERE orders > 0 AND NOT forgotten`,
  );
  const total = Number(head[0]?.n ?? 0);
  const firstAt = head[0]?.first ? new Date(head[0].first).getTime() : now;
  const historyWeeks = Math.floor((now - firstAt) / WEEK_MS);
  // A backtest needs a calibration period worth fitting: at least twice the holdout, and the pace weeks.
  const holdout = historyWeeks >= PACE_WEEKS + 8 ? Math.min(HOLDOUT_WEEKS, Math.floor(historyWeeks / 3)) : 0;
  const tally = new HistoryTally(now, holdout);
  const ids: string[] = [];
  const inputs: ModelInput[] = [];
  const calibration: Array<ModelInput | undefined> = [];
  let after = '';
  for (;;) {
    const { rows } = await db.query<{ customer_id: string; orders: number; first_purchase_at: Date; last_purchase_at: Date; purchases: Array<[number, string, number, string]> }>(
      `SELECT customer_id, orders, first_purchase_at, last_purchase_at, purchases FROM ${LIVE_TABLES.customers}
       WHERE orders > 0 AND NOT forgotten AND first_purchase_at IS NOT NULL AND customer_id > $1 ORDER BY customer_id LIMIT ${PAGE}`,
      [after],
    );
    if (rows.length === 0) break;
    for (const row of rows) {
      const first = new Date(row.first_purchase_at).getTime();
      if (first > now) continue;
      const purchases = row.purchases
        .filter(([at]) => at <= now)
        .sort((a, b) => a[0] - b[0])
        .map(([at, , amount, currency]) => ({ at, value: toBase(amount, currency, rates) }));
      const added = tally.add({ orders: row.orders, firstPurchaseAt: first, lastPurchaseAt: new Date(row.last_purchase_at).getTime(), purchases });
      ids.push(row.customer_id);
      inputs.push(added.now);
      calibration.push(added.calibration);
    }
    after = rows[rows.length - 1]!.customer_id;
    onPage(ids.length, total);
  }
  return { ids, inputs, calibration, tally, firstAt };
}
