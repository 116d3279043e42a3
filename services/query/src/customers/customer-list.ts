import { isExternalId, MAX_ID_LENGTH } from '@journey/contracts';
import { netInBase, type CurrencyRates } from '@journey/domain';
import type { Queryable } from '@journey/database';
import { RequestRejectedError } from '@journey/platform';
import { LIVE_TABLES } from '@journey/projections';
import { csvField } from '../csv-field';
import { filterSql, type CustomerFilter } from './customer-filter';

/** One customer in a list or an export: what a campaign needs, not the whole 360. */
export interface CustomerSummary {
  readonly customerId: string;
  readonly name: string | null;
  readonly email: string | null;
  readonly country: string | null;
  readonly city: string | null;
  readonly stage: string;
  readonly tier: string | null;
  readonly segment: string | null;
  readonly rfm: string | null;
  readonly orders: number;
  /** Net revenue in the base currency (minor units); currencies without a rate left out. */
  readonly netRevenue: number;
  readonly currency: string;
  readonly firstPurchaseAt: string | null;
  readonly lastPurchaseAt: string | null;
  readonly lastActivityAt: string | null;
  readonly openTickets: number;
  readonly emailMarketing: boolean;
}

interface SummaryRow {
  customer_id: string;
  name: string | null;
  email: string | null;
  city: string | null;
  country: string | null;
  stage: string;
  tier: string | null;
  segment: string | null;
  rfm: string | null;
  orders: number;
  revenue: Record<string, number>;
  refunds: Record<string, number>;
  first_purchase_at: string | null;
  last_purchase_at: string | null;
  last_activity_at: string | null;
  open_tickets: number;
  email_marketing: boolean;
}

/** An instant as JavaScript's toISOString writes it, made by PostgreSQL (no Date on the way). */
const iso = (column: string): string => `to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;

/** Only what a summary shows: PostgreSQL picks the fields out of the json documents. */
const COLUMNS = `c.customer_id, c.profile->>'name' AS name, c.profile->>'email' AS email, c.profile->>'city' AS city, c.country,
  c.stage, c.tier, c.segment, c.rfm_recency::text || c.rfm_frequency::text || c.rfm_monetary::text AS rfm, c.orders, c.revenue,
  c.refunds, ${iso('c.first_purchase_at')} AS first_purchase_at, ${iso('c.last_purchase_at')} AS last_purchase_at,
  ${iso('c.last_activity_at')} AS last_activity_at, jsonb_array_length(c.open_tickets) AS open_tickets,
  coalesce((c.consent->'email:marketing'->>'granted')::boolean, false) AS email_marketing`;

export const MAX_PAGE = 1000;
const MAX_CURSOR_LENGTH = Math.ceil((MAX_ID_LENGTH * 4) / 3);

/** The opaque cursor of keyset pagination: the last customer id of the page. */
export function encodeCursor(customerId: string): string {
  return Buffer.from(customerId, 'utf8').toString('base64url');
}

export function decodeCursor(cursor: string | undefined): string {
  if (cursor === undefined) return '';
  // A customer id is an external id, so a cursor is short; a long one is not worth decoding.
  const decoded = cursor.length <= MAX_CURSOR_LENGTH ? Buffer.from(cursor, 'base64url').toString('utf8') : '';
  if (cursor.length === 0 || !isExternalId(decoded) || encodeCursor(decoded) !== cursor) {
    throw new RequestRejectedError(400, 'Invalid cursor', [{ field: 'after', reason: 'must be the `next` cursor of a previous page' }]);
  }
  return decoded;
}

/**
 * A page of customers matching the filter, in customer id order after `after`. Keyset
 * pagination over an immutable key: concurrent writes neither skip nor repeat a customer who
 * matches throughout.
 */
export async function customerPage(db: Queryable, filter: CustomerFilter, rates: CurrencyRates, after: string, limit: number): Promise<{ customers: CustomerSummary[]; next: string | null }> {
  const { sql, params } = pageSql(filter, rates);
  const { rows } = await db.query<SummaryRow>(sql, [after, limit + 1, ...params]);
  const more = rows.length > limit;
  const page = (more ? rows.slice(0, limit) : rows).map((row) => summaryOf(row, rates));
  return { customers: page, next: more ? encodeCursor(page[page.length - 1]!.customerId) : null };
}

/**
 * The page query ($1 the cursor, $2 the rows wanted). Several stages (or tiers, or segments) are
 * read as one ordered scan of their (column, customer_id) index each, merged: a single scan with
 * `= ANY` cannot follow the keyset order and would filter its way through the table.
 */
function pageSql(filter: CustomerFilter, rates: CurrencyRates): { sql: string; params: unknown[] } {
  const split = (['stage', 'tier', 'segment'] as const).find((key) => (filter[key]?.length ?? 0) > 1);
  const branches = split ? filter[split]!.map((value) => ({ ...filter, [split]: [value] })) : [filter];
  const params: unknown[] = [];
  const selects = branches.map((branch) => {
    const { where, params: own } = filterSql(branch, rates, 3 + params.length);
    params.push(...own);
    return `SELECT ${COLUMNS} FROM ${LIVE_TABLES.customers} c WHERE c.customer_id > $1 AND ${where} ORDER BY c.customer_id LIMIT $2`;
  });
  const sql = selects.length === 1 ? selects[0]! : `SELECT * FROM (${selects.map((select) => `(${select})`).join(' UNION ALL ')}) u ORDER BY customer_id LIMIT $2`;
  return { sql, params };
}

function summaryOf(row: SummaryRow, rates: CurrencyRates): CustomerSummary {
  return {
    customerId: row.customer_id,
    name: row.name,
    email: row.email,
    country: row.country,
    city: row.city,
    stage: row.stage,
    tier: row.tier,
    segment: row.segment,
    rfm: row.rfm,
    orders: row.orders,
    netRevenue: netInBase(row.revenue, row.refunds, rates).net,
    currency: rates.base,
    firstPurchaseAt: row.first_purchase_at,
    lastPurchaseAt: row.last_purchase_at,
    lastActivityAt: row.last_activity_at,
    openTickets: row.open_tickets,
    emailMarketing: row.email_marketing,
  };
}

const CSV_COLUMNS: ReadonlyArray<keyof CustomerSummary> = [
  'customerId', 'name', 'email', 'country', 'city', 'stage', 'tier', 'segment', 'rfm', 'orders', 'netRevenue', 'currency',
  'firstPurchaseAt', 'lastPurchaseAt', 'lastActivityAt', 'openTickets', 'emailMarketing',
];

/** The whole filtered list as CSV, a header line then pages of 5,000 rows; the next page is read while one is written. */
export async function* customerCsv(db: Queryable, filter: CustomerFilter, rates: CurrencyRates): AsyncGenerator<string> {
  yield `${CSV_COLUMNS.join(',')}\r\n`;
  // A page read ahead is awaited below unless the client goes away first: then its failure is nobody's.
  const read = (after: string) => {
    const page = customerPage(db, filter, rates, after, 5000);
    page.catch(() => undefined);
    return page;
  };
  let page = read('');
  for (;;) {
    const { customers, next } = await page;
    if (next !== null) page = read(customers[customers.length - 1]!.customerId);
    if (customers.length > 0) yield customers.map((c) => `${CSV_COLUMNS.map((column) => csvField(c[column])).join(',')}\r\n`).join('');
    if (next === null) return;
  }
}
