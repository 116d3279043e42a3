import { isDerivedType, type EventOfType, type JourneyEvent, type RfmSegment, type ValueTier } from '@journey/contracts';
import { advanceTo, NEW_LIFECYCLE, nextReviewAt, onChurnRisk, onPurchase, type LifecycleState, type LifecycleThresholds, type StageTransition } from './lifecycle';
import { addAmount } from './money';
import { later } from './instant';
import type { VisitorActivity } from './visitor';
import { recordActivity, type ActivityHistory } from './segments/activity';
import { foldMembership } from './segments/membership-fold';
import type { SegmentMembership } from './segments/segment';

/** The profile fields a customer gave; personal data. */
export interface Profile {
  readonly name?: string;
  readonly email?: string;
  readonly phone?: string;
  readonly birthday?: string;
  readonly country?: string;
  readonly city?: string;
  readonly timezone?: string;
  readonly attributes?: Readonly<Record<string, string | number | boolean | null>>;
}

export interface ConsentState {
  readonly granted: boolean;
  readonly at: string;
}

export interface MessageCounts {
  readonly sent: number;
  readonly delivered: number;
  readonly opened: number;
  readonly clicked: number;
  readonly replied: number;
  readonly bounced: number;
}

/** A purchase as the 360 remembers it, for the lifecycle and the value tier. */
export interface PurchaseRecord {
  readonly at: number;
  readonly orderId: string;
  readonly total: number;
  readonly currency: string;
}

/** The customer 360 (DESIGN §5). Times are ISO 8601 UTC; amounts minor units per currency. */
export interface Customer360 {
  readonly customerId: string;
  readonly profile: Profile;
  readonly registeredAt: string | null;
  readonly signupChannel: string | null;
  readonly identities: readonly string[];
  /** By `channel:purpose`, e.g. `email:marketing`. */
  readonly consent: Readonly<Record<string, ConsentState>>;
  readonly orders: number;
  readonly ordersByCurrency: Readonly<Record<string, number>>;
  readonly revenue: Readonly<Record<string, number>>;
  readonly refunds: Readonly<Record<string, number>>;
  readonly refundCount: number;
  readonly firstPurchaseAt: string | null;
  readonly lastPurchaseAt: string | null;
  /** Units bought per category and per product (the top ones kept). */
  readonly categories: Readonly<Record<string, number>>;
  readonly products: Readonly<Record<string, number>>;
  /** Recent purchases, oldest first (for the value tier's 365-day window). */
  readonly purchases: readonly PurchaseRecord[];
  readonly views: number;
  readonly searches: number;
  readonly carts: number;
  readonly lastActivityAt: string | null;
  readonly openTickets: readonly string[];
  readonly ticketsTotal: number;
  readonly lastSatisfaction: number | null;
  readonly nps: number | null;
  readonly messages: MessageCounts;
  readonly lastEngagementAt: string | null;
  readonly lifecycle: LifecycleState;
  readonly nextReviewAt: string | null;
  readonly tier: ValueTier | null;
  readonly segment: RfmSegment | null;
  readonly rfm: { readonly recency: number; readonly frequency: number; readonly monetary: number } | null;
  readonly tierSince: string | null;
  readonly forgotten: boolean;
  /**
   * The customer's own events folded: the engine's derived events (stage and tier changes,
   * actions, memberships) are not counted, so that folding one back, when the state already
   * holds what it records, changes nothing and writes nothing.
   */
  readonly eventCount: number;
  /** Memberships of saved segments by segment id, members and former members (their last change). */
  readonly segments: Readonly<Record<string, SegmentMembership>>;
  /** Daily event counts for the segments' event-history conditions. */
  readonly activity: ActivityHistory;
  /** When time alone may next change a segment membership (the clock reviews it then). */
  readonly segmentReviewAt: string | null;
  /** The instant memberships were last judged at: judging never goes back in time (a late event, a derived one). */
  readonly segmentsAt: string | null;
  /** Predictive scores by model name (0–1), for segment conditions. */
  readonly scores: Readonly<Record<string, number>>;
}

export function emptyCustomer360(customerId: string): Customer360 {
  return {
    customerId,
    profile: {},
    registeredAt: null,
    signupChannel: null,
    identities: [],
    consent: {},
    orders: 0,
    ordersByCurrency: {},
    revenue: {},
    refunds: {},
    refundCount: 0,
    firstPurchaseAt: null,
    lastPurchaseAt: null,
    categories: {},
    products: {},
    purchases: [],
    views: 0,
    searches: 0,
    carts: 0,
    lastActivityAt: null,
    openTickets: [],
    ticketsTotal: 0,
    lastSatisfaction: null,
    nps: null,
    messages: { sent: 0, delivered: 0, opened: 0, clicked: 0, replied: 0, bounced: 0 },
    lastEngagementAt: null,
    lifecycle: NEW_LIFECYCLE,
    nextReviewAt: null,
    tier: null,
    segment: null,
    rfm: null,
    tierSince: null,
    forgotten: false,
    eventCount: 0,
    segments: {},
    activity: {},
    segmentReviewAt: null,
    segmentsAt: null,
    scores: {},
  };
}

/** Top-N maps stay small: beyond this many keys the smallest counts go. */
const TOP_KEPT = 20;
const KEPT_PURCHASE_RECORDS = 400;

export interface Evolution {
  readonly state: Customer360;
  readonly transitions: readonly StageTransition[];
}

/**
 * Folds one event into a customer 360. Time passes to the event's instant first, so the
 * lifecycle transitions it implies come out in order; `visitor` is the visitor's activity when
 * the event links one.
 */
export function evolve(state: Customer360, event: JourneyEvent, thresholds: LifecycleThresholds, visitor?: VisitorActivity): Evolution {
  const at = Date.parse(event.occurredAt);
  const advanced = advanceTo(state.lifecycle, at, thresholds);
  // A derived event leaves the state itself (the same object) when it changes nothing in it: it
  // moves the lifecycle only when time brought a transition by its instant.
  let next: Customer360 = isDerivedType(event.type)
    ? advanced.transitions.length === 0
      ? state
      : { ...state, lifecycle: advanced.state }
    : { ...state, lifecycle: advanced.state, eventCount: state.eventCount + 1, activity: recordActivity(state.activity, event) };
  let transitions = advanced.transitions;

  switch (event.type) {
    case 'CustomerRegistered': {
      const { signupChannel, ...profile } = event.data;
      next = { ...next, profile: { ...next.profile, ...definedOnly(profile) }, registeredAt: next.registeredAt ?? event.occurredAt, signupChannel: signupChannel ?? next.signupChannel };
      break;
    }
    case 'CustomerProfileUpdated':
      next = { ...next, profile: { ...next.profile, ...definedOnly(event.data), attributes: mergeAttributes(next.profile.attributes, event.data.attributes) } };
      break;
    case 'ConsentChanged':
      next = { ...next, consent: { ...next.consent, [`${event.data.channel}:${event.data.purpose}`]: { granted: event.data.granted, at: event.occurredAt } } };
      break;
    case 'Unsubscribed': {
      const key = `${event.data.channel}:${event.data.purpose ?? 'marketing'}`;
      next = { ...next, consent: { ...next.consent, [key]: { granted: false, at: event.occurredAt } }, lastEngagementAt: event.occurredAt };
      break;
    }
    case 'IdentityLinked': {
      const identities = next.identities.includes(event.data.anonymousId) ? next.identities : [...next.identities, event.data.anonymousId];
      next = { ...next, identities };
      if (visitor) next = mergeVisitor(next, visitor);
      break;
    }
    case 'CustomerForgotten':
      next = { ...next, profile: {}, forgotten: true };
      break;
    case 'PurchaseCompleted': {
      const purchase = purchased(next, event);
      const lifecycle = onPurchase(next.lifecycle, at, event.eventId, thresholds);
      next = { ...purchase, lifecycle: lifecycle.state };
      transitions = [...transitions, ...lifecycle.transitions];
      break;
    }
    case 'PurchaseRefunded':
      next = {
        ...next,
        refunds: addAmount(next.refunds, event.data.currency, event.data.amount),
        refundCount: next.refundCount + 1,
      };
      break;
    case 'PageViewed':
    case 'ProductViewed':
    case 'SearchPerformed':
    case 'CartUpdated':
      next = browsed(next, event);
      break;
    case 'CustomEvent':
      next = { ...next, lastActivityAt: later(next.lastActivityAt, event.occurredAt) };
      break;
    case 'TicketOpened':
      next = {
        ...next,
        openTickets: next.openTickets.includes(event.data.ticketId) ? next.openTickets : [...next.openTickets, event.data.ticketId],
        ticketsTotal: next.ticketsTotal + 1,
      };
      break;
    case 'TicketUpdated':
      break;
    case 'TicketResolved':
      next = {
        ...next,
        openTickets: next.openTickets.filter((id) => id !== event.data.ticketId),
        lastSatisfaction: event.data.satisfaction ?? next.lastSatisfaction,
      };
      break;
    case 'FeedbackGiven':
      next = { ...next, nps: event.data.score };
      break;
    case 'MessageSent':
      next = { ...next, messages: { ...next.messages, sent: next.messages.sent + 1 } };
      break;
    case 'MessageDelivered':
      next = { ...next, messages: { ...next.messages, delivered: next.messages.delivered + 1 } };
      break;
    case 'MessageBounced':
      next = { ...next, messages: { ...next.messages, bounced: next.messages.bounced + 1 } };
      break;
    case 'MessageOpened':
      next = { ...next, messages: { ...next.messages, opened: next.messages.opened + 1 }, lastEngagementAt: event.occurredAt };
      break;
    case 'MessageClicked':
      next = { ...next, messages: { ...next.messages, clicked: next.messages.clicked + 1 }, lastEngagementAt: event.occurredAt };
      break;
    case 'MessageReplied':
      next = { ...next, messages: { ...next.messages, replied: next.messages.replied + 1 }, lastEngagementAt: event.occurredAt };
      break;
    case 'ValueTierChanged':
      next = { ...next, tier: event.data.to, segment: event.data.segment, rfm: { ...event.data.rfm }, tierSince: event.occurredAt };
      break;
    case 'LifecycleStageChanged':
      // Derived from the purchases and the passing of time, which the fold above already did.
      break;
    case 'ActionScheduled':
    case 'ActionDispatched':
    case 'ActionFailed':
    case 'ActionSuppressed':
    case 'ConversionAttributed':
      break;
    case 'ModelFitted':
      // Predictions live in their own read model (journey.customer_predictions), not in the 360's row.
      break;
    case 'ChurnRiskChanged': {
      // Moves the lifecycle only when at risk comes from the model (JOURNEY_AT_RISK_FROM=model).
      const lifecycle = onChurnRisk(next.lifecycle, { band: event.data.to, pAlive: event.data.pAlive }, at, event.eventId, thresholds);
      if (lifecycle.transitions.length > 0) next = { ...next, lifecycle: lifecycle.state };
      transitions = [...transitions, ...lifecycle.transitions];
      break;
    }
    case 'SegmentEntered':
    case 'SegmentExited': {
      // The decider recorded the membership when it appended the event: folded back, it is already there.
      const segments = foldMembership(next.segments, event);
      if (segments !== next.segments) next = { ...next, segments };
      break;
    }
    default:
      return assertNever(event);
  }
  if (next === state) return { state, transitions };
  const review = nextReviewAt(next.lifecycle, thresholds);
  return { state: { ...next, nextReviewAt: review === null ? null : new Date(review).toISOString() }, transitions };
}

/**
 * What a customer's state must already hold for `evolve` to leave it as it is on this derived
 * event: its lifecycle as of the event's instant (no time to pass), and for a membership change,
 * the segment's recorded change at least the event's. Null for an event that may change the
 * state whatever it holds. The live pass checks this against the stored row, so that a derived
 * event it or the clock recorded while appending is not loaded and folded again for nothing.
 */
export interface SettledWhen {
  readonly asOf: number;
  readonly membership?: { readonly segmentId: string; readonly change: number };
}

export function settledWhen(event: JourneyEvent): SettledWhen | null {
  switch (event.type) {
    case 'LifecycleStageChanged':
    case 'ActionScheduled':
    case 'ActionDispatched':
    case 'ActionFailed':
    case 'ActionSuppressed':
    case 'ConversionAttributed':
      return { asOf: Date.parse(event.occurredAt) };
    case 'SegmentEntered':
    case 'SegmentExited':
      return { asOf: Date.parse(event.occurredAt), membership: { segmentId: event.data.segmentId, change: event.data.change } };
    default:
      return null;
  }
}

function purchased(state: Customer360, event: EventOfType<'PurchaseCompleted'>): Customer360 {
  const { currency, total, items, orderId } = event.data;
  const categories = { ...state.categories };
  const products = { ...state.products };
  for (const item of items) {
    if (item.category) categories[item.category] = (categories[item.category] ?? 0) + item.quantity;
    products[item.sku] = (products[item.sku] ?? 0) + item.quantity;
  }
  const at = Date.parse(event.occurredAt);
  const purchases = [...state.purchases, { at, orderId, total, currency }].sort((a, b) => a.at - b.at).slice(-KEPT_PURCHASE_RECORDS);
  return {
    ...state,
    orders: state.orders + 1,
    ordersByCurrency: addAmount(state.ordersByCurrency, currency, 1),
    revenue: addAmount(state.revenue, currency, total),
    firstPurchaseAt: state.firstPurchaseAt === null || event.occurredAt < state.firstPurchaseAt ? event.occurredAt : state.firstPurchaseAt,
    lastPurchaseAt: state.lastPurchaseAt === null || event.occurredAt > state.lastPurchaseAt ? event.occurredAt : state.lastPurchaseAt,
    categories: topOf(categories),
    products: topOf(products),
    purchases,
    lastActivityAt: later(state.lastActivityAt, event.occurredAt),
  };
}

function browsed(state: Customer360, event: EventOfType<'PageViewed' | 'ProductViewed' | 'SearchPerformed' | 'CartUpdated'>): Customer360 {
  const lastActivityAt = later(state.lastActivityAt, event.occurredAt);
  switch (event.type) {
    case 'ProductViewed':
      return { ...state, views: state.views + 1, lastActivityAt };
    case 'PageViewed':
      return { ...state, views: state.views + 1, lastActivityAt };
    case 'SearchPerformed':
      return { ...state, searches: state.searches + 1, lastActivityAt };
    case 'CartUpdated':
      return { ...state, carts: state.carts + 1, lastActivityAt };
  }
}

/** The visitor's history joins the customer's when the two are linked. */
export function mergeVisitor(customer: Customer360, visitor: VisitorActivity): Customer360 {
  return {
    ...customer,
    views: customer.views + visitor.views,
    searches: customer.searches + visitor.searches,
    carts: customer.carts + visitor.carts,
    lastActivityAt: visitor.lastSeenAt === null ? customer.lastActivityAt : later(customer.lastActivityAt, visitor.lastSeenAt),
  };
}

/** Keeps the TOP_KEPT largest counts. */
export function topOf(counts: Record<string, number>): Record<string, number> {
  const keys = Object.keys(counts);
  if (keys.length <= TOP_KEPT) return counts;
  const kept = keys.sort((a, b) => counts[b]! - counts[a]! || (a < b ? -1 : 1)).slice(0, TOP_KEPT);
  return Object.fromEntries(kept.map((key) => [key, counts[key]!]));
}

function definedOnly<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}

function mergeAttributes(
  current: Profile['attributes'],
  update: Profile['attributes'],
): Profile['attributes'] {
  if (update === undefined) return current;
  return { ...current, ...update };
}

function assertNever(value: never): never {
  throw new Error(`unhandled event ${JSON.stringify(value)}`);
}
