import { CUSTOMER_STREAM_PREFIX, type RfmSegment, type ValueTier } from '@journey/contracts';
import { rfmInput, scoreRfm, type CurrencyRates, type PurchaseRecord, type RfmInput } from '@journey/domain';
import type { AppendRequest, EventStore } from '@journey/event-store';
import type { Queryable } from '@journey/database';
import { LIVE_TABLES } from './customer-360.table';
import { tierChangedEvent, type TierChange } from './derived-events';

export interface RfmJobOptions {
  readonly rates: CurrencyRates;
  readonly windowDays: number;
  readonly tierCutoffs: { readonly high: number; readonly medium: number };
  /** The schedule's period: a run belongs to the slot it falls in. */
  readonly slotMs: number;
}

export interface RfmReport {
  readonly run: string;
  readonly customers: number;
  readonly changed: number;
  readonly appended: number;
}

interface Current {
  readonly tier: ValueTier | null;
  readonly segment: RfmSegment | null;
  readonly scores: string;
}

/**
 * The value tier: RFM quintiles over every customer who ever bought and was not forgotten
 * (recency since the last purchase, frequency and monetary value over the window, in the base
 * currency), the named segment and the tier. Customers whose scores, segment or tier changed get
 * a ValueTierChanged event, which the projector folds into their 360. A run scores as of the
 * start of the slot it falls in, and ids depend on that slot, so two runners of the same slot
 * compute the same changes and append each once.
 */
export async function runRfm(db: Queryable, store: EventStore, options: RfmJobOptions, now: Date): Promise<RfmReport> {
  const slotStart = Math.floor(now.getTime() / options.slotMs) * options.slotMs;
  const run = new Date(slotStart).toISOString();
  const inputs: RfmInput[] = [];
  const current = new Map<string, Current>();
  let after = '';
  for (;;) {
    const { rows } = await db.query<{
      customer_id: string;
      purchases: Array<[number, string, number, string]>;
      tier: ValueTier | null;
      segment: RfmSegment | null;
      rfm_recency: number | null;
      rfm_frequency: number | null;
      rfm_monetary: number | null;
    }>(
      `SELECT customer_id, purchases, tier, segment, rfm_recency, rfm_frequency, rfm_monetary
       FROM ${LIVE_TABLES.customers} WHERE orders > 0 AND NOT forgotten AND customer_id > $1 ORDER BY customer_id LIMIT 5000`,
      [after],
    );
    if (rows.length === 0) break;
    for (const row of rows) {
      const purchases: PurchaseRecord[] = row.purchases.map(([at, orderId, total, currency]) => ({ at, orderId, total, currency }));
      const input = rfmInput(row.customer_id, purchases, slotStart, options);
      if (!input) continue;
      inputs.push(input);
      current.set(row.customer_id, {
        tier: row.tier,
        segment: row.segment,
        scores: `${row.rfm_recency}/${row.rfm_frequency}/${row.rfm_monetary}`,
      });
    }
    after = rows[rows.length - 1]!.customer_id;
  }

  const changes: TierChange[] = [];
  for (const score of scoreRfm(inputs, options)) {
    const was = current.get(score.customerId)!;
    const scores = `${score.recency}/${score.frequency}/${score.monetary}`;
    if (was.tier === score.tier && was.segment === score.segment && was.scores === scores) continue;
    changes.push({
      customerId: score.customerId,
      from: was.tier,
      to: score.tier,
      rfm: { recency: score.recency, frequency: score.frequency, monetary: score.monetary },
      segment: score.segment,
      run,
    });
  }

  let appended = 0;
  for (let i = 0; i < changes.length; i += 500) {
    const requests: AppendRequest[] = changes.slice(i, i + 500).map((change) => ({
      streamId: CUSTOMER_STREAM_PREFIX + change.customerId,
      events: [tierChangedEvent(change)],
    }));
    const result = await store.appendMany(requests);
    appended += result.outcomes.filter((o) => o.status === 'appended').length;
  }
  return { run, customers: inputs.length, changed: changes.length, appended };
}
