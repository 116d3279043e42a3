import { CUSTOMER_STREAM_PREFIX, VISITOR_STREAM_PREFIX, type LifecycleStage, type RfmSegment, type ValueTier } from '@journey/contracts';
import { advanceTo, nextReviewAt, type Customer360, type LifecycleThresholds } from '@journey/domain';
import type { Queryable } from '@journey/database';
import type { EventStore, RecordedEvent } from '@journey/event-store';
import { LIVE_TABLES, type ProjectionTables } from './customer-360.table';
import { foldEvents } from '@journey/domain';

export interface CustomerAsOf {
  readonly instant: string;
  readonly customer: Customer360;
  readonly stage: LifecycleStage;
  readonly tier: ValueTier | null;
  readonly segment: RfmSegment | null;
  /** How many events the answer folds. */
  readonly events: number;
}

/**
 * Which clock "as of" goes by: `recorded`, what the engine knew at the instant (events recorded
 * by then: an auditor's question); `occurred`, what had happened by then as the upstream apps
 * tell it (events that occurred by then, including those recorded later).
 */
export type AsOfClock = 'recorded' | 'occurred';

/** The customer each of these visitors joined (the first one it was linked to), where one is known. */
export type JoinedCustomers = (anonymousIds: readonly string[]) => Promise<ReadonlyMap<string, string>>;

/** The customers the visitors joined, as the live fold recorded them in the visitors' rows. */
export function joinedCustomersIn(q: Queryable, tables: ProjectionTables = LIVE_TABLES): JoinedCustomers {
  return async (anonymousIds) => {
    if (anonymousIds.length === 0) return new Map();
    const { rows } = await q.query<{ anonymous_id: string; customer_id: string }>(
      `SELECT anonymous_id, customer_id FROM ${tables.visitors} WHERE anonymous_id = ANY($1::text[]) AND customer_id IS NOT NULL`,
      [anonymousIds],
    );
    return new Map(rows.map((row) => [row.anonymous_id, row.customer_id]));
  };
}

/**
 * A customer as of `instant`: the customer's stream and the streams of the visitors linked to
 * them, cut at the instant by the chosen clock, folded with the same reducers as the live
 * projection, and the lifecycle carried to the instant. The tier is the last one the RFM job had
 * recorded by then. Undefined when nothing of the customer falls before the instant.
 * A visitor joins the first customer it is linked to: the links of its visitors to the customers
 * they joined (`joined`) are folded with the rest, so that a visitor linked to another customer
 * before this one counts for that one, as in the live fold.
 */
export async function customerAsOf(
  store: EventStore,
  joined: JoinedCustomers,
  customerId: string,
  instant: Date,
  lifecycle: LifecycleThresholds,
  by: AsOfClock = 'recorded',
): Promise<CustomerAsOf | undefined> {
  const read = async (streamId: string): Promise<readonly RecordedEvent[]> =>
    by === 'recorded'
      ? store.readStream(streamId, { until: instant })
      : (await store.readStream(streamId)).filter((event) => Date.parse(event.occurredAt) <= instant.getTime());
  const own = await read(CUSTOMER_STREAM_PREFIX + customerId);
  if (own.length === 0) return undefined;
  const linked = new Set<string>();
  for (const event of own) if (event.type === 'IdentityLinked') linked.add(event.data.anonymousId);
  const visitorEvents: RecordedEvent[] = [];
  for (const anonymousId of linked) visitorEvents.push(...(await read(VISITOR_STREAM_PREFIX + anonymousId)));
  const others = new Set([...(await joined([...linked])).values()].filter((other) => other !== customerId));
  const otherLinks: RecordedEvent[] = [];
  for (const other of others) {
    for (const event of await read(CUSTOMER_STREAM_PREFIX + other)) {
      if (event.type === 'IdentityLinked' && linked.has(event.data.anonymousId)) otherLinks.push(event);
    }
  }
  const all = [...own, ...visitorEvents, ...otherLinks].sort((a, b) => a.commit - b.commit || a.globalPosition - b.globalPosition);

  const state = { customers: new Map<string, Customer360>(), visitors: new Map() };
  foldEvents(all, state, lifecycle);
  const folded = state.customers.get(customerId)!;
  const carried = advanceTo(folded.lifecycle, instant.getTime(), lifecycle).state;
  const review = nextReviewAt(carried, lifecycle);
  const customer: Customer360 = { ...folded, lifecycle: carried, nextReviewAt: review === null ? null : new Date(review).toISOString() };
  return { instant: instant.toISOString(), customer, stage: carried.stage, tier: customer.tier, segment: customer.segment, events: all.length - otherLinks.length };
}
