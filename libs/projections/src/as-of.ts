import { CUSTOMER_STREAM_PREFIX, VISITOR_STREAM_PREFIX, type LifecycleStage, type RfmSegment, type ValueTier } from '@journey/contracts';
import { advanceTo, nextReviewAt, type Customer360, type LifecycleThresholds } from '@journey/domain';
import type { EventStore, RecordedEvent } from '@journey/event-store';
import { foldEvents } from './fold';

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
 * A customer as the engine knew them at `instant`: the customer's stream and the streams of the
 * visitors linked to them, as recorded by then, folded with the same reducers as the live
 * projection, and the lifecycle carried to the instant. The tier is the last one the RFM job had
 * recorded by then. Undefined when nothing was known of the customer at that instant.
 */
export async function customerAsOf(
  store: EventStore,
  customerId: string,
  instant: Date,
  lifecycle: LifecycleThresholds,
): Promise<CustomerAsOf | undefined> {
  const own = await store.readStream(CUSTOMER_STREAM_PREFIX + customerId, { until: instant });
  if (own.length === 0) return undefined;
  const linked = new Set<string>();
  for (const event of own) if (event.type === 'IdentityLinked') linked.add(event.data.anonymousId);
  const visitorEvents: RecordedEvent[] = [];
  for (const anonymousId of linked) visitorEvents.push(...(await store.readStream(VISITOR_STREAM_PREFIX + anonymousId, { until: instant })));
  const all = [...own, ...visitorEvents].sort((a, b) => a.commit - b.commit || a.globalPosition - b.globalPosition);

  const state = { customers: new Map<string, Customer360>(), visitors: new Map() };
  foldEvents(all, state, lifecycle);
  const folded = state.customers.get(customerId)!;
  const carried = advanceTo(folded.lifecycle, instant.getTime(), lifecycle).state;
  const review = nextReviewAt(carried, lifecycle);
  const customer: Customer360 = { ...folded, lifecycle: carried, nextReviewAt: review === null ? null : new Date(review).toISOString() };
  return { instant: instant.toISOString(), customer, stage: carried.stage, tier: customer.tier, segment: customer.segment, events: all.length };
}
