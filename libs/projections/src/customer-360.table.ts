import type { LifecycleStage, RfmSegment, ValueTier } from '@journey/contracts';
import { KEPT_PURCHASES, type Customer360, type PurchaseRecord, type VisitorActivity } from '@journey/domain';
import type { Queryable } from '@journey/database';

/** Where a projection writes: the live tables, or the shadow ones a rebuild fills. */
export interface ProjectionTables {
  readonly customers: string;
  readonly visitors: string;
}

export const LIVE_TABLES: ProjectionTables = { customers: 'journey.customer_360', visitors: 'journey.visitor_activity' };
export const SHADOW_TABLES: ProjectionTables = {
  customers: 'journey.customer_360_rebuild',
  visitors: 'journey.visitor_activity_rebuild',
};

/** The columns of journey.customer_360, with their SQL types (for json_to_recordset). */
const CUSTOMER_COLUMNS = [
  ['customer_id', 'text'],
  ['profile', 'jsonb'],
  ['country', 'text'],
  ['registered_at', 'timestamptz'],
  ['signup_channel', 'text'],
  ['identities', 'jsonb'],
  ['consent', 'jsonb'],
  ['orders', 'integer'],
  ['orders_by_currency', 'jsonb'],
  ['revenue', 'jsonb'],
  ['refunds', 'jsonb'],
  ['refund_count', 'integer'],
  ['first_purchase_at', 'timestamptz'],
  ['last_purchase_at', 'timestamptz'],
  ['categories', 'jsonb'],
  ['products', 'jsonb'],
  ['purchases', 'jsonb'],
  ['views', 'integer'],
  ['searches', 'integer'],
  ['carts', 'integer'],
  ['last_activity_at', 'timestamptz'],
  ['open_tickets', 'jsonb'],
  ['tickets_total', 'integer'],
  ['last_satisfaction', 'smallint'],
  ['nps', 'smallint'],
  ['messages', 'jsonb'],
  ['last_engagement_at', 'timestamptz'],
  ['stage', 'text'],
  ['stage_since', 'timestamptz'],
  ['lifecycle_as_of', 'bigint'],
  ['next_review_at', 'timestamptz'],
  ['tier', 'text'],
  ['segment', 'text'],
  ['rfm_recency', 'smallint'],
  ['rfm_frequency', 'smallint'],
  ['rfm_monetary', 'smallint'],
  ['tier_since', 'timestamptz'],
  ['forgotten', 'boolean'],
  ['event_count', 'integer'],
] as const;

const VISITOR_COLUMNS = [
  ['anonymous_id', 'text'],
  ['customer_id', 'text'],
  ['views', 'integer'],
  ['searches', 'integer'],
  ['carts', 'integer'],
  ['first_seen_at', 'timestamptz'],
  ['last_seen_at', 'timestamptz'],
] as const;

type CustomerRow = { [K in (typeof CUSTOMER_COLUMNS)[number][0]]: unknown };
type VisitorRow = { [K in (typeof VISITOR_COLUMNS)[number][0]]: unknown };

/** One upsert statement for any number of rows, sent as a single json parameter. */
function upsertSql(table: string, columns: ReadonlyArray<readonly [string, string]>, key: string): string {
  const names = columns.map(([name]) => name);
  const updates = names.filter((name) => name !== key).map((name) => `${name} = EXCLUDED.${name}`);
  return (
    `INSERT INTO ${table} (${names.join(', ')}) ` +
    `SELECT ${names.join(', ')} FROM json_to_recordset($1::json) AS x(${columns.map(([n, t]) => `${n} ${t}`).join(', ')}) ` +
    `ON CONFLICT (${key}) DO UPDATE SET ${updates.join(', ')}`
  );
}

const statements = new Map<string, string>();
function cached(key: string, build: () => string): string {
  let sql = statements.get(key);
  if (!sql) {
    sql = build();
    statements.set(key, sql);
  }
  return sql;
}

/**
 * One customer of the live 360, by id: the hottest read of the API, kept prepared on each
 * connection. Its columns are named, not `*`, so that a column added by a later migration does
 * not change the prepared statement's result under a running engine.
 */
export async function liveCustomer(db: Queryable, customerId: string): Promise<Customer360 | undefined> {
  const columns = CUSTOMER_COLUMNS.map(([name]) => name).join(', ');
  const { rows } = await db.query<CustomerRow>(`SELECT ${columns} FROM ${LIVE_TABLES.customers} WHERE customer_id = $1`, [customerId], {
    prepareAs: 'journey_live_customer',
  });
  return rows[0] ? fromRow(rows[0]) : undefined;
}

/** The customers' rows, locked until the transaction ends (the clock and the jobs wait). */
export async function loadCustomers(tx: Queryable, tables: ProjectionTables, ids: readonly string[]): Promise<Map<string, Customer360>> {
  const found = new Map<string, Customer360>();
  if (ids.length === 0) return found;
  const { rows } = await tx.query<CustomerRow>(
    `SELECT * FROM ${tables.customers} WHERE customer_id = ANY($1::text[]) ORDER BY customer_id FOR UPDATE`,
    [ids],
  );
  for (const row of rows) found.set(row.customer_id as string, fromRow(row));
  return found;
}

export async function saveCustomers(tx: Queryable, tables: ProjectionTables, customers: readonly Customer360[]): Promise<void> {
  if (customers.length === 0) return;
  const sql = cached(`c:${tables.customers}`, () => upsertSql(tables.customers, CUSTOMER_COLUMNS, 'customer_id'));
  await tx.query(sql, [JSON.stringify(customers.map(toRow))]);
}

/**
 * Creates the rows of visitors a link is about to fold that do not exist yet, before they are
 * locked: the visitor's partition may be creating the same row in another transaction, and the
 * second insert must wait for the first rather than overwrite it.
 */
export async function createVisitorRows(tx: Queryable, tables: ProjectionTables, ids: readonly string[]): Promise<void> {
  if (ids.length === 0) return;
  await tx.query(
    `INSERT INTO ${tables.visitors} (anonymous_id, views, searches, carts)
     SELECT id, 0, 0, 0 FROM unnest($1::text[]) AS v(id) ORDER BY id ON CONFLICT (anonymous_id) DO NOTHING`,
    [ids],
  );
}

export async function loadVisitors(tx: Queryable, tables: ProjectionTables, ids: readonly string[]): Promise<Map<string, VisitorActivity>> {
  const found = new Map<string, VisitorActivity>();
  if (ids.length === 0) return found;
  const { rows } = await tx.query<VisitorRow>(
    `SELECT * FROM ${tables.visitors} WHERE anonymous_id = ANY($1::text[]) ORDER BY anonymous_id FOR UPDATE`,
    [ids],
  );
  for (const row of rows) {
    found.set(row.anonymous_id as string, {
      anonymousId: row.anonymous_id as string,
      customerId: (row.customer_id as string | null) ?? null,
      views: row.views as number,
      searches: row.searches as number,
      carts: row.carts as number,
      firstSeenAt: iso(row.first_seen_at),
      lastSeenAt: iso(row.last_seen_at),
    });
  }
  return found;
}

export async function saveVisitors(tx: Queryable, tables: ProjectionTables, visitors: readonly VisitorActivity[]): Promise<void> {
  if (visitors.length === 0) return;
  const sql = cached(`v:${tables.visitors}`, () => upsertSql(tables.visitors, VISITOR_COLUMNS, 'anonymous_id'));
  const rows: VisitorRow[] = visitors.map((v) => ({
    anonymous_id: v.anonymousId,
    customer_id: v.customerId,
    views: v.views,
    searches: v.searches,
    carts: v.carts,
    first_seen_at: v.firstSeenAt,
    last_seen_at: v.lastSeenAt,
  }));
  await tx.query(sql, [JSON.stringify(rows)]);
}

export function toRow(c: Customer360): CustomerRow {
  return {
    customer_id: c.customerId,
    profile: c.profile,
    country: c.profile.country ?? null,
    registered_at: c.registeredAt,
    signup_channel: c.signupChannel,
    identities: c.identities,
    consent: c.consent,
    orders: c.orders,
    orders_by_currency: c.ordersByCurrency,
    revenue: c.revenue,
    refunds: c.refunds,
    refund_count: c.refundCount,
    first_purchase_at: c.firstPurchaseAt,
    last_purchase_at: c.lastPurchaseAt,
    categories: c.categories,
    products: c.products,
    purchases: c.purchases.map((p) => [p.at, p.orderId, p.total, p.currency]),
    views: c.views,
    searches: c.searches,
    carts: c.carts,
    last_activity_at: c.lastActivityAt,
    open_tickets: c.openTickets,
    tickets_total: c.ticketsTotal,
    last_satisfaction: c.lastSatisfaction,
    nps: c.nps,
    messages: c.messages,
    last_engagement_at: c.lastEngagementAt,
    stage: c.lifecycle.stage,
    stage_since: c.lifecycle.since === null ? null : new Date(c.lifecycle.since).toISOString(),
    lifecycle_as_of: c.lifecycle.asOf,
    next_review_at: c.nextReviewAt,
    tier: c.tier,
    segment: c.segment,
    rfm_recency: c.rfm?.recency ?? null,
    rfm_frequency: c.rfm?.frequency ?? null,
    rfm_monetary: c.rfm?.monetary ?? null,
    tier_since: c.tierSince,
    forgotten: c.forgotten,
    event_count: c.eventCount,
  };
}

export function fromRow(row: CustomerRow): Customer360 {
  const purchases = (row.purchases as Array<[number, string, number, string]>).map(
    ([at, orderId, total, currency]): PurchaseRecord => ({ at, orderId, total, currency }),
  );
  const recency = row.rfm_recency as number | null;
  return {
    customerId: row.customer_id as string,
    profile: row.profile as Customer360['profile'],
    registeredAt: iso(row.registered_at),
    signupChannel: (row.signup_channel as string | null) ?? null,
    identities: row.identities as string[],
    consent: row.consent as Customer360['consent'],
    orders: row.orders as number,
    ordersByCurrency: row.orders_by_currency as Record<string, number>,
    revenue: row.revenue as Record<string, number>,
    refunds: row.refunds as Record<string, number>,
    refundCount: row.refund_count as number,
    firstPurchaseAt: iso(row.first_purchase_at),
    lastPurchaseAt: iso(row.last_purchase_at),
    categories: row.categories as Record<string, number>,
    products: row.products as Record<string, number>,
    purchases,
    views: row.views as number,
    searches: row.searches as number,
    carts: row.carts as number,
    lastActivityAt: iso(row.last_activity_at),
    openTickets: row.open_tickets as string[],
    ticketsTotal: row.tickets_total as number,
    lastSatisfaction: (row.last_satisfaction as number | null) ?? null,
    nps: (row.nps as number | null) ?? null,
    messages: row.messages as Customer360['messages'],
    lastEngagementAt: iso(row.last_engagement_at),
    lifecycle: {
      stage: row.stage as LifecycleStage,
      since: row.stage_since === null ? null : new Date(row.stage_since as Date).getTime(),
      purchases: purchases.slice(-KEPT_PURCHASES).map((p) => p.at),
      asOf: (row.lifecycle_as_of as number | null) ?? null,
    },
    nextReviewAt: iso(row.next_review_at),
    tier: (row.tier as ValueTier | null) ?? null,
    segment: (row.segment as RfmSegment | null) ?? null,
    rfm:
      recency === null
        ? null
        : { recency, frequency: row.rfm_frequency as number, monetary: row.rfm_monetary as number },
    tierSince: iso(row.tier_since),
    forgotten: row.forgotten as boolean,
    eventCount: row.event_count as number,
  };
}

function iso(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  return (value instanceof Date ? value : new Date(value as string)).toISOString();
}
