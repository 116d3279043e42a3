import type { Queryable } from '@journey/database';
import { compareSkus, itemWeight, NEIGHBOURS, PAIRED_ITEMS, recommend, type CustomerItem, type ItemSimilarity } from '@journey/predictions';
import type { ItemTables } from './item-tables';
import { PREDICTIONS_TABLE } from './predictions.table';

const DAY_MS = 86_400_000;
const TOP = 5;
/** The popular items a top five is filled up from (as many as the scheduled run keeps). */
const POPULAR = 100;

/**
 * The top five of customers who just bought, from the similarity's stored sums: each paired item's
 * NEIGHBOURS best neighbours by cosine (ties to the lower SKU), scored and filtered by the same
 * `recommend` as the scheduled run, written where the 360, conditions and templates read them
 * (journey.customer_predictions). Customers the models have not scored yet get theirs with the
 * next run, as their other predictions.
 */
export async function refreshRecommendations(
  tx: Queryable,
  tables: ItemTables,
  buyers: ReadonlyMap<string, ReadonlyMap<string, CustomerItem>>,
  options: { readonly catalogueWindowDays: number; readonly now: Date },
): Promise<void> {
  if (buyers.size === 0) return;
  const { rows: scored } = await tx.query<{ customer_id: string }>(`SELECT customer_id FROM ${PREDICTIONS_TABLE} WHERE customer_id = ANY($1::text[])`, [[...buyers.keys()]]);
  if (scored.length === 0) return;
  const customers = scored.map((row) => ({ id: row.customer_id, items: buyers.get(row.customer_id)! }));
  const sources = [...new Set(customers.flatMap((c) => [...c.items].filter(([, item]) => item.ordinal <= PAIRED_ITEMS && itemWeight(item) > 0).map(([sku]) => sku)))];
  const windowStart = new Date(options.now.getTime() - options.catalogueWindowDays * DAY_MS).toISOString();

  const { rows: neighbours } = await tx.query<{ a: string; b: string; sim: number; in_window: boolean }>(
    `SELECT a, b, sim, in_window FROM (
       SELECT p.a, p.b, p.co / sqrt(sa.norm * sb.norm) AS sim, sb.last_seen >= $2::timestamptz AS in_window,
              row_number() OVER (PARTITION BY p.a ORDER BY p.co / sqrt(sa.norm * sb.norm) DESC, p.b COLLATE "C") AS rank
       FROM (SELECT sku_a AS a, sku_b AS b, co FROM ${tables.pairs} WHERE sku_a = ANY($1::text[])
             UNION ALL SELECT sku_b, sku_a, co FROM ${tables.pairs} WHERE sku_b = ANY($1::text[])) p
       JOIN ${tables.stats} sa ON sa.sku = p.a JOIN ${tables.stats} sb ON sb.sku = p.b
     ) ranked WHERE rank <= ${NEIGHBOURS} ORDER BY a, rank`,
    [sources, windowStart],
  );
  const { rows: popularRows } = await tx.query<{ sku: string }>(
    `SELECT sku FROM ${tables.stats} WHERE buyers > 0 AND last_seen >= $1::timestamptz ORDER BY buyers DESC, sku COLLATE "C" LIMIT ${POPULAR}`,
    [windowStart],
  );

  // One id per SKU in code-point order, so that `recommend` breaks ties as the scheduled run does.
  const skus = [...new Set([...neighbours.flatMap((n) => [n.a, n.b]), ...popularRows.map((r) => r.sku), ...customers.flatMap((c) => [...c.items.keys()])])].sort(compareSkus);
  const id = new Map(skus.map((sku, i) => [sku, i] as const));
  const inWindow = new Uint8Array(skus.length);
  for (const n of neighbours) if (n.in_window) inWindow[id.get(n.b)!] = 1;
  const similarity = similarityOf(skus.length, neighbours.map((n) => ({ a: id.get(n.a)!, b: id.get(n.b)!, sim: n.sim })));
  const popular = popularRows.map((row) => id.get(row.sku)!);

  const written = customers.map(({ id: customerId, items }) => {
    const paired = [...items].filter(([, item]) => item.ordinal <= PAIRED_ITEMS);
    const ids = (list: Array<[string, CustomerItem]>) => list.map(([sku]) => id.get(sku)!).sort((x, y) => x - y);
    const top = recommend(
      similarity,
      {
        bought: ids(paired.filter(([, item]) => item.purchases > 0)),
        viewed: ids(paired.filter(([, item]) => item.purchases === 0 && item.views > 0)),
        owned: ids([...items].filter(([, item]) => item.purchases > 0)),
      },
      (item) => inWindow[item] === 1,
      popular,
      TOP,
    );
    return { customer_id: customerId, recommendations: top.map((item) => skus[item]!) };
  });
  await tx.query(
    `UPDATE ${PREDICTIONS_TABLE} AS p SET recommendations = x.recommendations, recommended_by = pg_current_xact_id()
     FROM json_to_recordset($1::json) AS x(customer_id text, recommendations jsonb) WHERE p.customer_id = x.customer_id`,
    [JSON.stringify(written)],
  );
}

/** The neighbour lists of the items that have some (rows grouped by item, best first), as `recommend` reads them. */
function similarityOf(items: number, rows: ReadonlyArray<{ a: number; b: number; sim: number }>): ItemSimilarity {
  const counts = new Int32Array(items + 1);
  for (const row of rows) counts[row.a + 1]!++;
  const offsets = new Int32Array(items + 1);
  for (let i = 0; i < items; i++) offsets[i + 1] = offsets[i]! + counts[i + 1]!;
  const neighbours = new Int32Array(rows.length);
  const scores = new Float64Array(rows.length);
  const fill = offsets.slice(0, items);
  for (const row of rows) {
    const at = fill[row.a]!++;
    neighbours[at] = row.b;
    scores[at] = row.sim;
  }
  return { items, offsets, neighbours, scores, buyers: new Float64Array(items) };
}
