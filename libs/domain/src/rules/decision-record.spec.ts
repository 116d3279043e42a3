import type { EventType, JourneyEvent } from '@journey/contracts';
import { SAMPLE_DATA } from '../../../../test/support/sample-events';
import { emptyCustomer360 } from '../customer-360';
import { actionIdOf, recordDecision, type DecisionMemory } from './decision-record';
import type { Rule } from './rule';

const HOUR = 3_600_000;
const now = Date.parse('2026-03-10T12:00:00Z');
const customer = emptyCustomer360('c-1');
const empty: DecisionMemory = { past: [], waits: [], goals: [] };

function rule(overrides: Partial<Rule> = {}): Rule {
  return {
    id: 'r1',
    version: 2,
    name: 'test rule',
    enabled: true,
    trigger: { event: 'ProductViewed' },
    action: { channel: 'webhook', target: 'http://localhost/hook', template: '{}', params: {} },
    limits: {},
    holdoutPercent: 0,
    ...overrides,
  };
}

function event(type: EventType, eventId = 'e-1'): JourneyEvent {
  return { eventId, type, version: 1, customerId: 'c-1', occurredAt: new Date(now - HOUR).toISOString(), source: 'shop', data: SAMPLE_DATA[type], metadata: {} } as JourneyEvent;
}

const withGoal = rule({ goal: { event: 'PurchaseCompleted', withinMs: 7 * 24 * HOUR } });

describe('what a decision records', () => {
  it('a dispatch: the decision, the delivery, the action with its goal, and the action remembered against caps', () => {
    const trigger = { event: event('ProductViewed'), depth: 0 };
    const record = recordDecision({ kind: 'dispatch', rule: withGoal }, trigger, customer, empty, now);
    const actionId = actionIdOf(withGoal, 'e-1');
    expect(record.decision).toMatchObject({ decision: 'dispatch', actionId, ruleVersion: 2, triggerEventId: 'e-1', reason: null });
    expect(record.delivery).toMatchObject({ actionId, trigger });
    expect(record.action).toMatchObject({ actionId, holdout: false, goalUntil: new Date(now + 7 * 24 * HOUR).toISOString() });
    expect(record.events).toEqual([]);
    expect(record.memory.past).toEqual([{ ruleId: 'r1', channel: 'webhook', at: now }]);
    expect(record.memory.goals).toMatchObject([{ actionId, from: now, holdout: false }]);
    expect(empty.past).toEqual([]);
  });

  it('a wait: a timer due at its end, ActionScheduled, and the wait remembered so a later event can cancel it', () => {
    const until = now + 2 * HOUR;
    const record = recordDecision({ kind: 'wait', rule: rule(), until }, { event: event('ProductViewed'), depth: 1 }, customer, empty, now);
    expect(record.timer).toMatchObject({ kind: 'wait', dueAt: new Date(until).toISOString() });
    expect(record.events).toHaveLength(1);
    expect(record.events[0]).toMatchObject({ type: 'ActionScheduled', source: 'journey', customerId: 'c-1', metadata: { depth: 2, causationId: 'e-1' } });
    expect(record.memory.waits).toMatchObject([{ timerId: record.timer!.id }]);
  });

  it('a hold for quiet hours: a timer with the reason, no wait to cancel', () => {
    const record = recordDecision({ kind: 'hold', rule: rule(), until: now + HOUR }, { event: event('ProductViewed'), depth: 0 }, customer, empty, now);
    expect(record.decision).toMatchObject({ decision: 'hold', reason: 'quiet_hours' });
    expect(record.memory).toBe(empty);
  });

  it('a holdout: ActionSuppressed, and the goal still watched so the lift can be measured', () => {
    const record = recordDecision({ kind: 'suppress', rule: withGoal, reason: 'holdout' }, { event: event('ProductViewed'), depth: 0 }, customer, empty, now);
    expect(record.events.map((e) => e.type)).toEqual(['ActionSuppressed']);
    expect(record.action).toMatchObject({ holdout: true });
    expect(record.memory.goals).toMatchObject([{ holdout: true }]);
    expect(record.delivery).toBeUndefined();
  });

  it('another suppression: recorded with its reason, nothing watched', () => {
    const record = recordDecision({ kind: 'suppress', rule: withGoal, reason: 'frequency_cap' }, { event: event('ProductViewed'), depth: 0 }, customer, empty, now);
    expect(record.events[0]).toMatchObject({ data: { reason: 'frequency_cap' } });
    expect(record.action).toBeUndefined();
    expect(record.memory).toBe(empty);
  });

  it('a conversion: ConversionAttributed with the purchase value, and the goal closed', () => {
    const goal = { actionId: 'a-1', rule: withGoal, from: now - HOUR, until: now + HOUR, holdout: false };
    const purchase = event('PurchaseCompleted', 'p-1');
    const record = recordDecision({ kind: 'convert', goal }, { event: purchase, depth: 0 }, customer, { ...empty, goals: [goal] }, now);
    expect(record.conversion).toEqual({ actionId: 'a-1', by: 'p-1' });
    expect(record.events[0]).toMatchObject({ type: 'ConversionAttributed', data: { actionId: 'a-1', value: SAMPLE_DATA.PurchaseCompleted.total } });
    expect(record.memory.goals).toEqual([]);
  });

  it('a cancelled wait: the timer named, the wait forgotten', () => {
    const wait = { timerId: 't-1', rule: rule(), since: now - HOUR };
    const record = recordDecision({ kind: 'cancel-wait', timerId: 't-1', rule: rule() }, { event: event('PurchaseCompleted'), depth: 0 }, customer, { ...empty, waits: [wait] }, now);
    expect(record.cancelledTimer).toBe('t-1');
    expect(record.memory.waits).toEqual([]);
  });

  it('derives the same event ids when the same decision is recorded again, and others for another trigger', () => {
    const decision = { kind: 'wait', rule: rule(), until: now + HOUR } as const;
    const first = recordDecision(decision, { event: event('ProductViewed'), depth: 0 }, customer, empty, now);
    const again = recordDecision(decision, { event: event('ProductViewed'), depth: 0 }, customer, empty, now);
    const other = recordDecision(decision, { event: event('ProductViewed', 'e-2'), depth: 0 }, customer, empty, now);
    expect(again.events[0]!.eventId).toBe(first.events[0]!.eventId);
    expect(other.events[0]!.eventId).not.toBe(first.events[0]!.eventId);
  });
});
