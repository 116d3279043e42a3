import type { EventType, JourneyEvent } from '@journey/contracts';
import { SAMPLE_DATA } from '../../../../test/support/sample-events';
import { emptyCustomer360, type Customer360 } from '../customer-360';
import { evaluate, isBirthday, localDate, localParts, monthDay } from './conditions';
import { decide, decideDue, type DecideInput } from './decider';
import { inHoldout, quietUntil } from './gates';
import type { Rule } from './rule';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const now = Date.parse('2026-03-10T12:00:00Z');

function rule(overrides: Partial<Rule> = {}): Rule {
  return {
    id: 'r1',
    version: 1,
    name: 'test rule',
    enabled: true,
    trigger: { event: 'PurchaseCompleted' },
    action: { channel: 'webhook', target: 'http://localhost/hook', template: '{}', params: {} },
    limits: {},
    holdoutPercent: 0,
    ...overrides,
  };
}

function event(type: EventType, data: Record<string, unknown> = SAMPLE_DATA[type], at = now, metadata: Record<string, unknown> = {}): JourneyEvent {
  return { eventId: 'e-1', type, version: 1, customerId: 'c-1', occurredAt: new Date(at).toISOString(), source: 'shop', data, metadata } as JourneyEvent;
}

function customer(overrides: Partial<Customer360> = {}): Customer360 {
  return {
    ...emptyCustomer360('c-1'),
    consent: { 'email:marketing': { granted: true, at: '2026-01-01T00:00:00Z' } },
    profile: { timezone: 'Europe/Berlin' },
    ...overrides,
  };
}

function input(overrides: Partial<DecideInput> = {}): DecideInput {
  return {
    rules: [rule()],
    event: event('PurchaseCompleted'),
    customer: customer(),
    past: [],
    waits: [],
    goals: [],
    now,
    rates: { base: 'EUR', rates: {} },
    globalCaps: [],
    maxDepth: 3,
    ...overrides,
  };
}

const kinds = (i: DecideInput) => decide(i).map((d) => (d.kind === 'suppress' ? `suppress:${d.reason}` : d.kind));

describe('decider', () => {
  it('dispatches a matching rule', () => {
    expect(kinds(input())).toEqual(['dispatch']);
  });

  it('ignores rules whose trigger filter or conditions fail', () => {
    expect(kinds(input({ rules: [rule({ trigger: { event: 'PurchaseCompleted', where: { path: 'event.data.total', op: 'gt', value: 1_000_000 } } })] }))).toEqual([]);
    expect(kinds(input({ rules: [rule({ conditions: { path: 'customer.lifecycle.stage', op: 'eq', value: 'loyal' } })] }))).toEqual([]);
  });

  it('judges conditions on the predictions: pAlive < 0.3 and clv > 500', () => {
    const slipping = rule({
      conditions: { all: [{ path: 'customer.predictions.pAlive', op: 'lt', value: 0.3 }, { path: 'customer.predictions.clv', op: 'gt', value: 50_000 }] },
    });
    const predictions = {
      fitId: '5a0d6f8e-3c1b-4e2a-9f7d-1b2c3d4e5f60',
      scoredAt: '2026-03-10T00:00:00.000Z',
      pAlive: 0.2,
      churnRisk: 0.8,
      churnBand: 'high' as const,
      expectedPurchases30d: 0.1,
      expectedPurchases90d: 0.3,
      expectedPurchases365d: 1.1,
      expectedAov: 60_000,
      clv: 66_000,
      currency: 'EUR',
      recommendations: ['SKU-9'],
    };
    expect(kinds(input({ rules: [slipping], predictions }))).toEqual(['dispatch']);
    expect(kinds(input({ rules: [slipping], predictions: { ...predictions, pAlive: 0.9 } }))).toEqual([]);
    expect(kinds(input({ rules: [slipping], predictions: { ...predictions, clv: 400 } }))).toEqual([]);
    // Not yet scored: the conditions do not hold.
    expect(kinds(input({ rules: [slipping] }))).toEqual([]);
  });

  it('suppresses without consent, naming it', () => {
    const r = rule({ consent: { channel: 'email', purpose: 'marketing' } });
    expect(kinds(input({ rules: [r], customer: customer({ consent: {} }) }))).toEqual(['suppress:no_consent']);
    expect(kinds(input({ rules: [r] }))).toEqual(['dispatch']);
    const revoked = customer({ consent: { 'email:marketing': { granted: false, at: '2026-02-01T00:00:00Z' } } });
    expect(kinds(input({ rules: [r], customer: revoked }))).toEqual(['suppress:no_consent']);
  });

  it('suppresses a forgotten customer', () => {
    expect(kinds(input({ customer: customer({ forgotten: true }) }))).toEqual(['suppress:forgotten']);
  });

  it('suppresses at the frequency cap, counting only this rule inside the window', () => {
    const r = rule({ limits: { frequencyCap: { count: 2, perMs: 7 * DAY } } });
    const past = [
      { ruleId: 'r1', channel: 'webhook' as const, at: now - DAY },
      { ruleId: 'r1', channel: 'webhook' as const, at: now - 8 * DAY },
      { ruleId: 'other', channel: 'webhook' as const, at: now - DAY },
    ];
    expect(kinds(input({ rules: [r], past }))).toEqual(['dispatch']);
    expect(kinds(input({ rules: [r], past: [...past, { ruleId: 'r1', channel: 'webhook', at: now - 2 * DAY }] }))).toEqual(['suppress:frequency_cap']);
  });

  it('suppresses at a global cap of the channel, across rules', () => {
    const past = [1, 2, 3].map((d) => ({ ruleId: `other-${d}`, channel: 'webhook' as const, at: now - d * DAY }));
    expect(kinds(input({ past, globalCaps: [{ channel: 'webhook', count: 3, perMs: 7 * DAY }] }))).toEqual(['suppress:global_cap']);
    expect(kinds(input({ past, globalCaps: [{ channel: 'kafka', count: 3, perMs: 7 * DAY }] }))).toEqual(['dispatch']);
  });

  it('holds the action during quiet hours in the customer time zone until the window ends', () => {
    const r = rule({ limits: { quietHours: { start: '21:00', end: '08:00' } } });
    const lateInBerlin = Date.parse('2026-03-10T22:30:00Z'); // 23:30 in Berlin
    const [decision] = decide(input({ rules: [r], now: lateInBerlin, event: event('PurchaseCompleted', undefined, lateInBerlin) }));
    expect(decision).toMatchObject({ kind: 'hold', until: Date.parse('2026-03-11T07:00:00Z') });
    const noonInNewYork = customer({ profile: { timezone: 'America/New_York' } });
    expect(kinds(input({ rules: [r], now: lateInBerlin, customer: noonInNewYork }))).toEqual(['dispatch']);
  });

  it('puts a deterministic share of customers in the holdout', () => {
    const r = rule({ holdoutPercent: 30 });
    const held = Array.from({ length: 1000 }, (_, i) => inHoldout('r1', `c-${i}`, 30)).filter(Boolean).length;
    expect(held).toBeGreaterThan(250);
    expect(held).toBeLessThan(350);
    const someone = Array.from({ length: 100 }, (_, i) => `c-${i}`).find((id) => inHoldout('r1', id, 30))!;
    for (let i = 0; i < 3; i++) {
      expect(kinds(input({ rules: [r], customer: { ...customer(), customerId: someone } }))).toEqual(['suppress:holdout']);
    }
  });

  it('starts no second wait of a rule while the customer is in one; a wait the event ends does not count', () => {
    const r = rule({ trigger: { event: 'ProductViewed' }, wait: { forMs: 2 * HOUR, cancelOn: [{ event: 'ProductViewed', where: { path: 'event.data.sku', op: 'eq', value: 'ENDS-WAIT' } }] } });
    const other = rule({ id: 'r2', trigger: { event: 'ProductViewed' }, wait: { forMs: HOUR, cancelOn: [] } });
    const waits = [{ timerId: 't-1', rule: r, since: now - HOUR }];
    // Already waiting in r: the view joins that wait; r2's wait starts, as the customer is in none of its.
    expect(decide(input({ rules: [r, other], waits, event: event('ProductViewed') }))).toEqual([{ kind: 'wait', rule: other, until: now + HOUR }]);
    // A view that ends r's wait starts the next one.
    const ending = event('ProductViewed', { ...SAMPLE_DATA.ProductViewed, sku: 'ENDS-WAIT' });
    expect(decide(input({ rules: [r], waits, event: ending }))).toEqual([
      { kind: 'cancel-wait', timerId: 't-1', rule: r },
      { kind: 'wait', rule: r, until: now + 2 * HOUR },
    ]);
    // Another version of the rule is the same rule: its wait runs on.
    expect(kinds(input({ rules: [{ ...r, version: 2 }], waits, event: event('ProductViewed') }))).toEqual([]);
    // A wait whose time is up (due, its timer not yet fired) is not running: the view starts the next.
    const overdue = [{ timerId: 't-0', rule: r, since: now - 3 * HOUR }];
    expect(kinds(input({ rules: [r], waits: overdue, event: event('ProductViewed') }))).toEqual(['wait']);
  });

  it('starts a wait, cancels it on a matching later event, and decides again when it falls due', () => {
    const r = rule({ trigger: { event: 'ProductViewed' }, wait: { forMs: 2 * HOUR, cancelOn: [{ event: 'PurchaseCompleted' }] } });
    expect(decide(input({ rules: [r], event: event('ProductViewed') }))).toEqual([{ kind: 'wait', rule: r, until: now + 2 * HOUR }]);
    const waits = [{ timerId: 't-1', rule: r, since: now - HOUR }];
    expect(kinds(input({ rules: [], waits, event: event('PurchaseCompleted') }))).toEqual(['cancel-wait']);
    expect(kinds(input({ rules: [], waits, event: event('PageViewed') }))).toEqual([]);
    expect(decideDue(r, customer(), [], [], now + 2 * HOUR)).toEqual({ kind: 'dispatch', rule: r });
  });

  it('counts a conversion for a goal event inside the window, holdout included', () => {
    const r = rule({ goal: { event: 'PurchaseCompleted', withinMs: 7 * DAY } });
    const open = { actionId: 'a-1', rule: r, from: now - DAY, until: now + 6 * DAY, holdout: true };
    expect(decide(input({ rules: [], goals: [open] }))).toEqual([{ kind: 'convert', goal: open }]);
    expect(decide(input({ rules: [], goals: [{ ...open, until: now - 1 }] }))).toEqual([]);
  });

  it('never lets a rule trigger on its own action events, and stops chains at the depth limit', () => {
    const onDispatch = rule({ id: 'chain', trigger: { event: 'ActionDispatched' } });
    const own = event('ActionDispatched', SAMPLE_DATA.ActionDispatched, now, { ruleId: 'chain', depth: 1 });
    expect(kinds(input({ rules: [onDispatch], event: own }))).toEqual([]);
    const other = event('ActionDispatched', SAMPLE_DATA.ActionDispatched, now, { ruleId: 'welcome', depth: 3 });
    expect(kinds(input({ rules: [onDispatch], event: other }))).toEqual(['suppress:depth_limit']);
    const shallow = event('ActionDispatched', SAMPLE_DATA.ActionDispatched, now, { ruleId: 'welcome', depth: 1 });
    expect(kinds(input({ rules: [onDispatch], event: shallow }))).toEqual(['dispatch']);
  });
});

describe('conditions', () => {
  const context = {
    event: { type: 'PurchaseCompleted', data: { total: 120, items: [{ sku: 'A' }], tags: ['x', 'y'] } },
    customer: { consent: { 'email:marketing': { granted: true } }, profile: { birthday: '1990-03-10', name: 'Ada' }, value: { tier: 'high' } },
    params: { coupon: 'WB10' },
    now,
    timezone: 'Europe/Berlin',
  };

  it.each([
    [{ path: 'event.data.total', op: 'gte', value: 100 }, true],
    [{ path: 'event.data.total', op: 'lt', value: 100 }, false],
    [{ path: 'customer.consent.email:marketing.granted', op: 'eq', value: true }, true],
    [{ path: 'customer.value.tier', op: 'in', value: ['high', 'medium'] }, true],
    [{ path: 'customer.value.tier', op: 'nin', value: ['high'] }, false],
    [{ path: 'event.data.tags', op: 'contains', value: 'y' }, true],
    [{ path: 'customer.profile.name', op: 'startsWith', value: 'A' }, true],
    [{ path: 'customer.profile.phone', op: 'missing' }, true],
    [{ path: 'customer.profile.name', op: 'exists' }, true],
    [{ path: 'customer.profile.birthday', op: 'birthdayToday' }, true],
    [{ all: [{ path: 'params.coupon', op: 'eq', value: 'WB10' }, { not: { path: 'event.data.total', op: 'eq', value: 0 } }] }, true],
    [{ any: [{ path: 'event.data.total', op: 'eq', value: 1 }, { path: 'event.data.nothing', op: 'exists' }] }, false],
    [{ path: 'event.data.total', op: 'gt', value: '100' }, false],
  ] as const)('%j → %s', (condition, expected) => {
    expect(evaluate(condition as never, context)).toBe(expected);
  });

  it('keeps a 29 February birthday on the 28th in other years, on the local day', () => {
    expect(isBirthday('02-29', Date.parse('2027-02-28T12:00:00Z'), 'Europe/Berlin')).toBe(true);
    expect(isBirthday('02-29', Date.parse('2028-02-28T12:00:00Z'), 'Europe/Berlin')).toBe(false);
    expect(isBirthday('02-29', Date.parse('2028-02-29T12:00:00Z'), 'Europe/Berlin')).toBe(true);
    // 23:30 UTC on 9 March is 10 March in Berlin.
    expect(isBirthday('03-10', Date.parse('2026-03-09T23:30:00Z'), 'Europe/Berlin')).toBe(true);
    expect(localDate(Date.parse('2026-03-09T23:30:00Z'), 'Europe/Berlin')).toBe('2026-03-10');
  });

  it('reads wall-clock time in a time zone', () => {
    expect(localParts(Date.parse('2026-07-01T22:30:00Z'), 'Europe/Berlin')).toMatchObject({ day: 2, hour: 0, minute: 30 });
    expect(monthDay(Date.parse('2026-12-31T23:30:00Z'), 'Asia/Tokyo')).toBe('01-01');
  });

  it('finds the end of a quiet window across midnight and daylight saving', () => {
    expect(quietUntil(Date.parse('2026-03-10T10:00:00Z'), '21:00', '08:00', 'Europe/Berlin')).toBeNull();
    expect(quietUntil(Date.parse('2026-03-10T06:00:00Z'), '21:00', '08:00', 'Europe/Berlin')).toBe(Date.parse('2026-03-10T07:00:00Z'));
    // The night clocks go forward in Berlin (29 March 2026): 08:00 local is 06:00 UTC.
    expect(quietUntil(Date.parse('2026-03-28T22:00:00Z'), '21:00', '08:00', 'Europe/Berlin')).toBe(Date.parse('2026-03-29T06:00:00Z'));
  });

  it('ends a window whose end the clocks skip when they jump past it, after now', () => {
    // New York, 10 March 2024: 02:00 EST becomes 03:00 EDT (07:00 UTC); 02:00 and 02:30 never happen.
    expect(quietUntil(Date.parse('2024-03-10T06:30:00Z'), '22:00', '02:00', 'America/New_York')).toBe(Date.parse('2024-03-10T07:00:00Z'));
    expect(quietUntil(Date.parse('2024-03-10T04:00:00Z'), '22:00', '02:30', 'America/New_York')).toBe(Date.parse('2024-03-10T07:00:00Z'));
    // The night the clocks go back, an end that happens twice ends the window the first time.
    expect(quietUntil(Date.parse('2024-11-03T04:00:00Z'), '22:00', '01:30', 'America/New_York')).toBe(Date.parse('2024-11-03T05:30:00Z'));
  });

  it('holds until the first minute the window has ended, whatever the zone and the night', () => {
    const zones = ['America/New_York', 'Europe/Berlin', 'America/Santiago', 'Africa/Cairo', 'Australia/Lord_Howe', 'Asia/Kolkata', 'Pacific/Chatham'];
    const windows = [['22:00', '02:00'], ['21:00', '08:00'], ['23:30', '00:30'], ['00:00', '03:00'], ['01:15', '02:45'], ['09:00', '17:00']] as const;
    // Days around the 2026 daylight-saving changes of both hemispheres, every 25 minutes.
    const days = ['2026-03-08', '2026-03-29', '2026-04-05', '2026-04-24', '2026-09-06', '2026-09-27', '2026-10-04', '2026-10-25', '2026-10-30', '2026-11-01'];
    const inside = (at: number, start: string, end: string, zone: string) => quietUntil(at, start, end, zone) !== null;
    let held = 0;
    for (const zone of zones)
      for (const [start, end] of windows)
        for (const day of days)
          for (let at = Date.parse(`${day}T00:00:00Z`) - 86_400_000; at < Date.parse(`${day}T00:00:00Z`) + 86_400_000; at += 25 * 60_000) {
            const until = quietUntil(at, start, end, zone);
            if (until === null) continue;
            held++;
            expect(until).toBeGreaterThan(at);
            expect(inside(until, start, end, zone)).toBe(false);
            if (until - 60_000 > at) expect(inside(until - 60_000, start, end, zone)).toBe(true);
          }
    expect(held).toBeGreaterThan(1_000);
  });
});
