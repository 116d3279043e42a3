import type { LifecycleStage, RfmSegment, ValueTier } from '@journey/contracts';
import { KEPT_PURCHASES, memberOf, type Customer360, type PurchaseRecord, type VisitorActivity } from '@journey/domain';
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
  ['segments', 'jsonb'],
  ['member_of', 'text[]'],
  ['activity', 'text'],
  ['segment_review_at', 'timestamptz'],
  ['segments_at', 'timestamptz'],
  ['scores', 'jsonb'],
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

/** A derived event's customer, and what its row must hold for the event's fold to change nothing (domain's settledWhen). */
export interface SettledCheck {
  readonly customerId: string;
  readonly asOf: number;
  readonly membership?: { readonly segmentId: string; readonly change: number };
}

/**
 * The indexes of the checks whose customer's stored row already holds what they ask: its
 * lifecycle as of the instant, and the segment's change recorded. Read without a lock: both
 * only ever move forward, so a row found holding them holds them until the batch commits.
 */
export async function settledInRows(q: Queryable, tables: ProjectionTables, checks: readonly SettledCheck[]): Promise<Set<number>> {
  if (checks.length === 0) return new Set();
  const { rows } = await q.query<{ i: number }>(
    `SELECT x.i FROM unnest($1::int[], $2::text[], $3::bigint[], $4::text[], $5::int[]) AS x(i, customer_id, as_of, segment_id, change)
     JOIN ${tables.customers} c ON c.customer_id = x.customer_id
     WHERE c.lifecycle_as_of >= x.as_of AND (x.segment_id IS NULL OR (c.segments -> x.segment_id ->> 'change')::int >= x.change)`,
    [
      checks.map((_, i) => i),
      checks.map((check) => check.customerId),
      checks.map((check) => check.asOf),
      checks.map((check) => check.membership?.segmentId ?? null),
      checks.map((check) => check.membership?.change ?? null),
    ],
    // Run on most live batches: planned once per connection.
    { prepareAs: `journey_settled_${tables.customers}` },
  );
  return new Set(rows.map((row) => row.i));
}

/** How the pass writes customers: only the columns that changed, or every column (as a rebuild of empty tables may). */
export type SaveMode = 'changed' | 'whole';

/** A customer folded by a batch: as loaded (absent when new), and as the batch left it. */
export interface CustomerChange {
  readonly before: Customer360 | undefined;
  readonly after: Customer360;
}

/**
 * The bulky jsonb columns that most events leave alone, by the field of the 360 they come from.
 * An update sends one only when the fold replaced it (the reducers keep untouched fields by
 * reference), so that the row's stored (compressed or TOASTed) value is kept as it is rather
 * than parsed, compressed and written again for each event.
 */
const COLD_COLUMNS = [
  ['profile', 'profile'],
  ['identities', 'identities'],
  ['consent', 'consent'],
  ['orders_by_currency', 'ordersByCurrency'],
  ['revenue', 'revenue'],
  ['refunds', 'refunds'],
  ['categories', 'categories'],
  ['products', 'products'],
  ['purchases', 'purchases'],
  ['open_tickets', 'openTickets'],
  ['messages', 'messages'],
  ['segments', 'segments'],
  ['member_of', 'segments'],
  ['scores', 'scores'],
] as const satisfies ReadonlyArray<readonly [(typeof CUSTOMER_COLUMNS)[number][0], keyof Customer360]>;

const COLD = new Set<string>(COLD_COLUMNS.map(([column]) => column));

/** An UPDATE of existing rows from one json parameter: a cold column absent from a row keeps its stored value. */
function updateSql(table: string): string {
  const sets = CUSTOMER_COLUMNS.filter(([name]) => name !== 'customer_id').map(([name]) =>
    COLD.has(name) ? `${name} = COALESCE(x.${name}, t.${name})` : `${name} = x.${name}`,
  );
  return (
    `UPDATE ${table} AS t SET ${sets.join(', ')} ` +
    `FROM json_to_recordset($1::json) AS x(${CUSTOMER_COLUMNS.map(([n, t]) => `${n} ${t}`).join(', ')}) ` +
    'WHERE t.customer_id = x.customer_id'
  );
}

/** The row of an existing customer for updateSql: cold columns the fold left alone are left out. */
export function changedRow(change: CustomerChange): Partial<CustomerRow> {
  const row: Partial<CustomerRow> = toRow(change.after);
  const { before, after } = change;
  if (!before) return row;
  for (const [column, field] of COLD_COLUMNS) {
    if (before[field] === after[field]) delete row[column];
  }
  return row;
}

/**
 * Writes the customers a batch folded: new ones inserted whole, existing ones updated with their
 * changed cold columns only (`changed`), or every row upserted whole (`whole`).
 */
export async function saveCustomers(tx: Queryable, tables: ProjectionTables, changes: readonly CustomerChange[], mode: SaveMode = 'changed'): Promise<void> {
  if (changes.length === 0) return;
  const upsert = cached(`c:${tables.customers}`, () => upsertSql(tables.customers, CUSTOMER_COLUMNS, 'customer_id'));
  if (mode === 'whole') {
    await tx.query(upsert, [JSON.stringify(changes.map((change) => toRow(change.after)))]);
    return;
  }
  const created = changes.filter((change) => !change.before);
  const updated = changes.filter((change) => change.before);
  const update = cached(`u:${tables.customers}`, () => updateSql(tables.customers));
  if (updated.length === 0) await tx.query(upsert, [JSON.stringify(created.map((change) => toRow(change.after)))]);
  else if (created.length === 0) await tx.query(update, [JSON.stringify(updated.map(changedRow))]);
  else {
    // Both in one round trip: the new rows and the existing ones are different rows.
    const both = cached(`b:${tables.customers}`, () => `WITH created AS (${upsert}), updated AS (${update.replaceAll('$1', '$2')}) SELECT 1`);
    await tx.query(both, [JSON.stringify(created.map((change) => toRow(change.after))), JSON.stringify(updated.map(changedRow))]);
  }
}

/**
 * Customers' rows as committed. With `hold`, they are held (FOR SHARE, in id order, as the
 * customer pass takes them) until the transaction ends: timers and calendar rules judge rules on
 * them, and a pass batch, which takes them FOR UPDATE, cannot judge the same customers meanwhile
 * on decisions it has not seen (two actions under a cap of one).
 */
export async function readCustomers(q: Queryable, ids: readonly string[], tables: ProjectionTables = LIVE_TABLES, hold = false): Promise<Map<string, Customer360>> {
  const found = new Map<string, Customer360>();
  if (ids.length === 0) return found;
  const { rows } = await q.query<CustomerRow>(`SELECT * FROM ${tables.customers} WHERE customer_id = ANY($1::text[])${hold ? ' ORDER BY customer_id FOR SHARE' : ''}`, [ids]);
  for (const row of rows) found.set(row.customer_id as string, fromRow(row));
  return found;
}

/**
 * Customers whose birthday (month and day, `MM-DD`) is one of `days`, after `after` in id order,
 * `limit` at a time (served by customer_360_birthday_idx).
 */
export async function customersWithBirthday(q: Queryable, days: readonly string[], after: string, limit: number): Promise<Customer360[]> {
  const { rows } = await q.query<CustomerRow>(
    `SELECT * FROM ${LIVE_TABLES.customers}
     WHERE profile ? 'birthday' AND substr(profile->>'birthday', 6, 5) = ANY($1::text[]) AND customer_id > $2
     ORDER BY customer_id LIMIT $3`,
    [days, after, limit],
  );
  return rows.map(fromRow);
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
    segments: c.segments,
    member_of: memberOf(c.segments),
    activity: activityText(c.activity),
    segment_review_at: c.segmentReviewAt,
    segments_at: c.segmentsAt,
    scores: c.scores,
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
    segments: (row.segments as Customer360['segments'] | null) ?? {},
    activity: activityOf(row.activity),
    segmentReviewAt: iso(row.segment_review_at),
    segmentsAt: iso(row.segments_at),
    scores: (row.scores as Customer360['scores'] | null) ?? {},
  };
}

/**
 * The event history's text, its keys in order: the same history is then the same text whatever
 * order the fold met its keys in (a rebuild and the live pass agree to the byte). Sent as a JSON
 * string rather than an object, json_to_recordset takes it as it is instead of reading the
 * object's structure to print it again (the largest part of the row).
 */
function activityText(activity: Customer360['activity']): string {
  const keys = Object.keys(activity);
  let ordered = true;
  for (let i = 1; i < keys.length && ordered; i++) ordered = keys[i - 1]! < keys[i]!;
  if (ordered) return JSON.stringify(activity);
  const sorted: Record<string, readonly number[]> = {};
  for (const key of keys.sort()) sorted[key] = activity[key]!;
  return JSON.stringify(sorted);
}

/** The event history as stored: the text of its JSON (migration 024). */
function activityOf(value: unknown): Customer360['activity'] {
  if (value === null || value === undefined) return {};
  return (typeof value === 'string' ? JSON.parse(value) : value) as Customer360['activity'];
}

function iso(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  return (value instanceof Date ? value : new Date(value as string)).toISOString();
}
