import type { EventType, JourneyEvent } from '@journey/contracts';
import { SAMPLE_DATA } from '../../../test/support/sample-events';
import { isDerivedType } from '@journey/contracts';
import { emptyCustomer360, evolve, settledWhen, type Customer360 } from './customer-360';
import { customer360View } from './customer-360.view';
import { DEFAULT_LIFECYCLE, type LifecycleThresholds } from './lifecycle';
import { emptyVisitor, evolveVisitor } from './visitor';

let n = 0;
function event<T extends EventType>(type: T, data: Record<string, unknown> = SAMPLE_DATA[type], at = '2026-03-01T12:00:00.000Z'): JourneyEvent {
  n++;
  return {
    eventId: `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`,
    type,
    version: 1,
    customerId: 'c-1',
    occurredAt: at,
    source: 'test',
    data,
    metadata: {},
  } as JourneyEvent;
}

function given(...events: JourneyEvent[]): Customer360 {
  return events.reduce((state, e) => evolve(state, e, DEFAULT_LIFECYCLE).state, emptyCustomer360('c-1'));
}

describe('customer 360: given events, then state', () => {
  it('CustomerRegistered fills the profile and the sign-up', () => {
    expect(given(event('CustomerRegistered'))).toMatchObject({
      profile: { name: 'Ada Lovelace', email: 'ada@example.com', country: 'GB', timezone: 'Europe/London' },
      registeredAt: '2026-03-01T12:00:00.000Z',
      signupChannel: 'web',
    });
  });

  it('CustomerProfileUpdated merges fields and attributes', () => {
    const state = given(
      event('CustomerRegistered'),
      event('CustomerProfileUpdated', { attributes: { vip: true } }),
      event('CustomerProfileUpdated', { city: 'Leeds', attributes: { shoeSize: 38 } }),
    );
    expect(state.profile).toMatchObject({ name: 'Ada Lovelace', city: 'Leeds', attributes: { vip: true, shoeSize: 38 } });
  });

  it('ConsentChanged and Unsubscribed keep consent per channel and purpose', () => {
    const state = given(
      event('ConsentChanged', { channel: 'email', purpose: 'marketing', granted: true }),
      event('ConsentChanged', { channel: 'sms', purpose: 'marketing', granted: true }, '2026-03-02T00:00:00.000Z'),
      event('Unsubscribed', { channel: 'sms', purpose: 'marketing' }, '2026-03-03T00:00:00.000Z'),
    );
    expect(state.consent).toEqual({
      'email:marketing': { granted: true, at: '2026-03-01T12:00:00.000Z' },
      'sms:marketing': { granted: false, at: '2026-03-03T00:00:00.000Z' },
    });
  });

  it('IdentityLinked records the identity and joins the visitor history', () => {
    const visitor = ['PageViewed', 'ProductViewed', 'SearchPerformed', 'CartUpdated'].reduce(
      (v, type) => evolveVisitor(v, { ...event(type as EventType), customerId: undefined, anonymousId: 'anon-7f3a' } as JourneyEvent),
      emptyVisitor('anon-7f3a'),
    );
    const state = evolve(emptyCustomer360('c-1'), event('IdentityLinked'), DEFAULT_LIFECYCLE, visitor).state;
    expect(state).toMatchObject({ identities: ['anon-7f3a'], views: 2, searches: 1, carts: 1 });
  });

  it('CustomerForgotten scrubs the profile', () => {
    expect(given(event('CustomerRegistered'), event('CustomerForgotten'))).toMatchObject({ profile: {}, forgotten: true });
  });

  it('PurchaseCompleted counts orders, revenue per currency, products and categories', () => {
    const state = given(
      event('PurchaseCompleted', undefined, '2026-01-01T10:00:00.000Z'),
      event('PurchaseCompleted', { ...SAMPLE_DATA.PurchaseCompleted, orderId: 'o-2', currency: 'USD', total: 500 }, '2026-02-01T10:00:00.000Z'),
    );
    expect(state).toMatchObject({
      orders: 2,
      ordersByCurrency: { EUR: 1, USD: 1 },
      revenue: { EUR: 10496, USD: 500 },
      firstPurchaseAt: '2026-01-01T10:00:00.000Z',
      lastPurchaseAt: '2026-02-01T10:00:00.000Z',
      categories: { shoes: 2, socks: 6 },
      products: { 'SKU-1': 2, 'SKU-2': 6 },
    });
    expect(state.purchases.map((p) => p.orderId)).toEqual(['o-1001', 'o-2']);
  });

  it('a PurchaseCompleted without lines counts as an order with its revenue, in no category and of no product', () => {
    const state = given(event('PurchaseCompleted'), event('PurchaseCompleted', { orderId: 'o-2', items: [], total: 2500, currency: 'EUR' }, '2026-03-02T12:00:00.000Z'));
    expect(state).toMatchObject({ orders: 2, revenue: { EUR: 12996 }, categories: { shoes: 1, socks: 3 }, products: { 'SKU-1': 1, 'SKU-2': 3 } });
    expect(state.purchases.map((p) => p.orderId)).toEqual(['o-1001', 'o-2']);
    expect(state.lifecycle.stage).toBe(given(event('PurchaseCompleted'), event('PurchaseCompleted', { ...SAMPLE_DATA.PurchaseCompleted, orderId: 'o-2' }, '2026-03-02T12:00:00.000Z')).lifecycle.stage);
  });

  it('PurchaseRefunded counts refunds per currency', () => {
    expect(given(event('PurchaseCompleted'), event('PurchaseRefunded'))).toMatchObject({ refunds: { EUR: 499 }, refundCount: 1 });
  });

  it('shows net revenue in the base currency: a refund counts in its own currency, a currency without a rate apart', () => {
    const state = given(
      event('PurchaseCompleted', { ...SAMPLE_DATA.PurchaseCompleted, currency: 'JPY', total: 10_001 }),
      event('PurchaseRefunded', { ...SAMPLE_DATA.PurchaseRefunded, currency: 'KWD', amount: 1005 }),
      event('PurchaseCompleted', { ...SAMPLE_DATA.PurchaseCompleted, orderId: 'o-2', currency: 'CHF', total: 700 }),
    );
    const view = customer360View(state, { base: 'EUR', rates: { JPY: 0.0062, KWD: 2.8 } });
    // ¥10,001 is 62.0062 EUR (6201 cents); 1.005 KWD is 2.814 EUR (281 cents).
    expect(view.commerce.base).toEqual({ currency: 'EUR', netRevenue: 6201 - 281, averageOrderValue: 6201 });
    expect(view.commerce.unconverted).toEqual(['CHF']);
  });

  it('browse events count views, searches and carts, and the last activity', () => {
    const state = given(
      event('PageViewed'),
      event('ProductViewed'),
      event('SearchPerformed'),
      event('CartUpdated', undefined, '2026-03-05T00:00:00.000Z'),
    );
    expect(state).toMatchObject({ views: 2, searches: 1, carts: 1, lastActivityAt: '2026-03-05T00:00:00.000Z' });
  });

  it('tickets: opened and resolved, with the last satisfaction; FeedbackGiven keeps the NPS', () => {
    const state = given(
      event('TicketOpened'),
      event('TicketOpened', { ...SAMPLE_DATA.TicketOpened, ticketId: 't-78' }),
      event('TicketUpdated'),
      event('TicketResolved', { ticketId: 't-77', satisfaction: 2 }),
      event('FeedbackGiven'),
    );
    expect(state).toMatchObject({ openTickets: ['t-78'], ticketsTotal: 2, lastSatisfaction: 2, nps: 9 });
  });

  it('messages: sent, delivered, opened, clicked, replied and bounced, with the last engagement', () => {
    const state = given(
      event('MessageSent'),
      event('MessageDelivered'),
      event('MessageOpened', undefined, '2026-03-02T00:00:00.000Z'),
      event('MessageClicked', undefined, '2026-03-02T00:01:00.000Z'),
      event('MessageReplied', undefined, '2026-03-02T00:02:00.000Z'),
      event('MessageBounced'),
    );
    expect(state.messages).toEqual({ sent: 1, delivered: 1, opened: 1, clicked: 1, replied: 1, bounced: 1 });
    expect(state.lastEngagementAt).toBe('2026-03-02T00:02:00.000Z');
  });

  it('ValueTierChanged sets tier, segment and scores; LifecycleStageChanged and actions change nothing else', () => {
    const base = given(event('ValueTierChanged'));
    expect(base).toMatchObject({ tier: 'high', segment: 'Champions', rfm: { recency: 5, frequency: 4, monetary: 5 } });
    for (const type of ['LifecycleStageChanged', 'ActionScheduled', 'ActionDispatched', 'ActionFailed', 'ActionSuppressed', 'ConversionAttributed'] as const) {
      const after = evolve(base, event(type), DEFAULT_LIFECYCLE).state;
      expect({ ...after, eventCount: 0 }).toEqual({ ...base, eventCount: 0 });
    }
  });

  it('a CustomEvent counts as activity, is kept in the event history, and changes nothing else', () => {
    const base = given(event('PurchaseCompleted'));
    const after = evolve(base, { ...event('CustomEvent'), occurredAt: '2026-04-01T00:00:00.000Z' }, DEFAULT_LIFECYCLE).state;
    expect(after.lastActivityAt).toBe('2026-04-01T00:00:00.000Z');
    expect(after.activity).not.toEqual(base.activity);
    const rest = (state: typeof after): object => ({ ...state, lastActivityAt: null, eventCount: 0, lifecycle: null, nextReviewAt: null, activity: null });
    expect(rest(after)).toEqual(rest(base));
  });

  it("counts the customer's own events, not the derived ones", () => {
    expect(given(event('PageViewed'), event('MessageSent'), event('LifecycleStageChanged'), event('ValueTierChanged')).eventCount).toBe(2);
  });

  it('leaves the state itself when a derived event changes nothing in it, and only then', () => {
    const entered = (change: number, at = '2026-03-01T12:00:00.000Z') =>
      event('SegmentEntered', { segmentId: 'vip', segmentVersion: 1, change, backfill: false, causeEventId: '00000000-0000-4000-8000-000000000001' }, at);
    const base = given(event('PageViewed'), entered(1));
    expect(base.segments.vip).toMatchObject({ member: true, change: 1 });
    // Folded back after its decider recorded it: the same object, nothing to write.
    for (const type of ['LifecycleStageChanged', 'ActionScheduled', 'ActionDispatched', 'ConversionAttributed', 'ModelFitted', 'ChurnRiskChanged'] as const) {
      expect(evolve(base, event(type), DEFAULT_LIFECYCLE).state).toBe(base);
      // Later, with no transition due by then: time alone is no change either.
      expect(evolve(base, event(type, SAMPLE_DATA[type], '2026-09-01T00:00:00.000Z'), DEFAULT_LIFECYCLE).state).toBe(base);
    }
    expect(evolve(base, entered(1), DEFAULT_LIFECYCLE).state).toBe(base);
    // A newer change, or time that moves the stage, is a change.
    expect(evolve(base, entered(2), DEFAULT_LIFECYCLE).state.segments.vip).toMatchObject({ change: 2 });
    const bought = given(event('PurchaseCompleted'));
    const later = evolve(bought, entered(1, '2026-06-01T00:00:00.000Z'), DEFAULT_LIFECYCLE);
    expect(later.state).not.toBe(bought);
    expect(later.state.lifecycle.stage).not.toBe(bought.lifecycle.stage);
    expect(later.transitions.length).toBeGreaterThan(0);
  });

  it('says, for a derived event, what a state must hold for the fold to leave it as it is', () => {
    const entered = (change: number, at = '2026-03-01T12:00:00.000Z') =>
      event('SegmentEntered', { segmentId: 'vip', segmentVersion: 1, change, backfill: false, causeEventId: '00000000-0000-4000-8000-000000000001' }, at);
    const bought = given(event('PurchaseCompleted'), entered(3));
    const holds = (state: Customer360, e: JourneyEvent): boolean => {
      const when = settledWhen(e)!;
      const recorded = when.membership ? state.segments[when.membership.segmentId]?.change : undefined;
      return state.lifecycle.asOf !== null && state.lifecycle.asOf >= when.asOf && (!when.membership || (recorded !== undefined && recorded >= when.membership.change));
    };
    const types = ['LifecycleStageChanged', 'ActionScheduled', 'ActionDispatched', 'ActionFailed', 'ActionSuppressed', 'ConversionAttributed'] as const;
    for (const type of types) {
      expect(isDerivedType(type)).toBe(true);
      // As of its instant or later: the very same state.
      expect(holds(bought, event(type))).toBe(true);
      expect(evolve(bought, event(type), DEFAULT_LIFECYCLE).state).toBe(bought);
      // Months later, the lifecycle is behind the event: not settled (time moves the stage).
      const late = event(type, SAMPLE_DATA[type], '2026-09-01T00:00:00.000Z');
      expect(holds(bought, late)).toBe(false);
      expect(evolve(bought, late, DEFAULT_LIFECYCLE).state).not.toBe(bought);
    }
    for (const change of [1, 3]) {
      expect(holds(bought, entered(change))).toBe(true);
      expect(evolve(bought, entered(change), DEFAULT_LIFECYCLE).state).toBe(bought);
    }
    // A change the state has not recorded yet is folded.
    expect(holds(bought, entered(4))).toBe(false);
    expect(evolve(bought, entered(4), DEFAULT_LIFECYCLE).state).not.toBe(bought);
    // The customer's own events and the derived ones that move the state are never settled in advance.
    for (const type of ['PageViewed', 'PurchaseCompleted', 'ValueTierChanged', 'ChurnRiskChanged', 'MessageSent'] as const) expect(settledWhen(event(type))).toBeNull();
  });

  describe('at risk from the churn model', () => {
    const MODEL: LifecycleThresholds = { ...DEFAULT_LIFECYCLE, atRiskFrom: 'model' };
    const purchase = (orderId: string, at: string) => event('PurchaseCompleted', { ...SAMPLE_DATA.PurchaseCompleted, orderId }, at);
    const highRisk = (at: string) => event('ChurnRiskChanged', { from: 'medium', to: 'high', pAlive: 0.08, fitId: '5a0d6f8e-3c1b-4e2a-9f7d-1b2c3d4e5f60' }, at);
    const fold = (events: JourneyEvent[], t: LifecycleThresholds) => {
      let state = emptyCustomer360('c-1');
      const moves: Array<[string, string, string]> = [];
      for (const e of events) {
        const result = evolve(state, e, t);
        state = result.state;
        for (const m of result.transitions) moves.push([m.to, new Date(m.at).toISOString(), m.reason]);
      }
      return { state, moves };
    };
    const history = () => [
      purchase('o-1', '2026-01-01T00:00:00.000Z'),
      purchase('o-2', '2026-01-11T00:00:00.000Z'),
      highRisk('2026-02-01T00:00:00.000Z'),
      purchase('o-3', '2026-02-15T00:00:00.000Z'),
    ];

    it('moves the stage to at_risk on a high band and reactivates on the next purchase', () => {
      const { state, moves } = fold(history(), MODEL);
      expect(moves).toEqual([
        ['first_time', '2026-01-01T00:00:00.000Z', 'first purchase'],
        ['repeat', '2026-01-11T00:00:00.000Z', '2 orders'],
        ['at_risk', '2026-02-01T00:00:00.000Z', 'churn model: risk band high (P(alive) 0.08)'],
        ['reactivated', '2026-02-15T00:00:00.000Z', 'purchase after being at risk'],
      ]);
      // Only churning is left to time: 180 days after the last purchase.
      expect(state.nextReviewAt).toBe('2026-08-14T00:00:00.000Z');
    });

    it('keeps the day counts and ignores the band by default', () => {
      const { state, moves } = fold(history(), DEFAULT_LIFECYCLE);
      expect(moves.map(([to]) => to)).toEqual(['first_time', 'repeat']);
      expect(state.lifecycle.stage).toBe('repeat');
      expect(state.nextReviewAt).toBe('2026-04-16T00:00:00.000Z');
    });
  });
});
