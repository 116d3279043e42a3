import type { Customer360 } from './customer-360';
import { memberOf } from './segments/membership-fold';
import { netInBase, toBase, type CurrencyRates } from './money';

export interface CurrencyFigures {
  readonly orders: number;
  readonly revenue: number;
  readonly refunds: number;
  readonly averageOrderValue: number;
}

/** The 360 as the API shows it: money per currency and in the base currency, tops as lists. */
export interface Customer360View {
  readonly customerId: string;
  readonly profile: Customer360['profile'];
  readonly registeredAt: string | null;
  readonly signupChannel: string | null;
  readonly identities: readonly string[];
  readonly consent: Customer360['consent'];
  readonly commerce: {
    readonly orders: number;
    readonly refunds: number;
    readonly firstPurchaseAt: string | null;
    readonly lastPurchaseAt: string | null;
    readonly byCurrency: Readonly<Record<string, CurrencyFigures>>;
    /** Revenue net of refunds, in the base currency, over the currencies that have a rate. */
    readonly base: { readonly currency: string; readonly netRevenue: number; readonly averageOrderValue: number };
    /** Currencies without a rate: their figures are listed above, never summed into `base`. */
    readonly unconverted: readonly string[];
    readonly topCategories: ReadonlyArray<{ readonly category: string; readonly units: number }>;
    readonly topProducts: ReadonlyArray<{ readonly sku: string; readonly units: number }>;
  };
  readonly activity: { readonly views: number; readonly searches: number; readonly carts: number; readonly lastActivityAt: string | null };
  readonly support: { readonly openTickets: readonly string[]; readonly ticketsTotal: number; readonly lastSatisfaction: number | null; readonly nps: number | null };
  readonly messaging: Customer360['messages'] & { readonly lastEngagementAt: string | null };
  readonly lifecycle: { readonly stage: string; readonly since: string | null; readonly nextReviewAt: string | null };
  readonly value: { readonly tier: string | null; readonly segment: string | null; readonly rfm: Customer360['rfm']; readonly since: string | null };
  /** The ids of the segments the customer is in; `memberships` says since when and under which version. */
  readonly segments: readonly string[];
  readonly memberships: Readonly<Record<string, { readonly since: string; readonly version: number; readonly backfill: boolean }>>;
  readonly forgotten: boolean;
}

export function customer360View(c: Customer360, rates: CurrencyRates, tops = 5): Customer360View {
  const currencies = new Set([...Object.keys(c.revenue), ...Object.keys(c.refunds)]);
  const byCurrency: Record<string, CurrencyFigures> = {};
  const { net: netRevenue, unconverted } = netInBase(c.revenue, c.refunds, rates);
  let convertedOrders = 0;
  let convertedGross = 0;
  for (const currency of [...currencies].sort()) {
    const orders = c.ordersByCurrency[currency] ?? 0;
    const revenue = c.revenue[currency] ?? 0;
    const refunds = c.refunds[currency] ?? 0;
    byCurrency[currency] = { orders, revenue, refunds, averageOrderValue: orders ? Math.round(revenue / orders) : 0 };
    if (unconverted.includes(currency)) continue;
    convertedGross += toBase(revenue, currency, rates)!;
    convertedOrders += orders;
  }
  const top = (counts: Readonly<Record<string, number>>) =>
    Object.entries(counts)
      .sort(([a, x], [b, y]) => y - x || (a < b ? -1 : 1))
      .slice(0, tops);
  return {
    customerId: c.customerId,
    profile: c.profile,
    registeredAt: c.registeredAt,
    signupChannel: c.signupChannel,
    identities: c.identities,
    consent: c.consent,
    commerce: {
      orders: c.orders,
      refunds: c.refundCount,
      firstPurchaseAt: c.firstPurchaseAt,
      lastPurchaseAt: c.lastPurchaseAt,
      byCurrency,
      base: { currency: rates.base, netRevenue, averageOrderValue: convertedOrders ? Math.round(convertedGross / convertedOrders) : 0 },
      unconverted,
      topCategories: top(c.categories).map(([category, units]) => ({ category, units })),
      topProducts: top(c.products).map(([sku, units]) => ({ sku, units })),
    },
    activity: { views: c.views, searches: c.searches, carts: c.carts, lastActivityAt: c.lastActivityAt },
    support: { openTickets: c.openTickets, ticketsTotal: c.ticketsTotal, lastSatisfaction: c.lastSatisfaction, nps: c.nps },
    messaging: { ...c.messages, lastEngagementAt: c.lastEngagementAt },
    lifecycle: {
      stage: c.lifecycle.stage,
      since: c.lifecycle.since === null ? null : new Date(c.lifecycle.since).toISOString(),
      nextReviewAt: c.nextReviewAt,
    },
    value: { tier: c.tier, segment: c.segment, rfm: c.rfm, since: c.tierSince },
    segments: memberOf(c.segments),
    memberships: Object.fromEntries(memberOf(c.segments).map((id) => { const m = c.segments[id]!; return [id, { since: m.since, version: m.version, backfill: m.backfill }]; })),
    forgotten: c.forgotten,
  };
}
