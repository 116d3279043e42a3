import { loadConfig } from '@journey/platform';
import { ruleChecks } from '../saga-settings';
import { parseRule, parseStoredRule, type ParsedRule } from './rule-definition';

const WIN_BACK = {
  id: 'win-back',
  name: 'Win back lapsed customers',
  trigger: { event: 'LifecycleStageChanged', where: { path: 'event.data.to', op: 'eq', value: 'at_risk' } },
  conditions: { all: [{ path: 'customer.commerce.orders', op: 'gte', value: 2 }, { not: { path: 'customer.forgotten', op: 'eq', value: true } }] },
  wait: { for: '2h', cancelOn: [{ event: 'PurchaseCompleted' }] },
  action: { channel: 'webhook', target: 'https://crm.example/messages', template: 'Hi {{customer.profile.name}}, {{params.coupon}}', params: { coupon: 'BACK15' } },
  limits: { frequencyCap: { count: 1, per: '30d' }, quietHours: { start: '21:00', end: '08:00' } },
  consent: { channel: 'email', purpose: 'marketing' },
  holdout: 10,
  goal: { event: 'PurchaseCompleted', within: '7d' },
};

function errorsOf(parsed: ParsedRule): readonly { field: string; reason: string }[] {
  if (parsed.ok) throw new Error('the rule was accepted');
  return parsed.errors;
}

describe('a rule as JSON, checked and normalised', () => {
  it('accepts a complete rule, with durations in milliseconds and the holdout as a percentage', () => {
    const parsed = parseRule(WIN_BACK);
    expect(parsed).toEqual({
      ok: true,
      rule: expect.objectContaining({
        id: 'win-back',
        enabled: true,
        trigger: { event: 'LifecycleStageChanged', where: { path: 'event.data.to', op: 'eq', value: 'at_risk' } },
        wait: { forMs: 2 * 3_600_000, cancelOn: [{ event: 'PurchaseCompleted', where: undefined }] },
        limits: { frequencyCap: { count: 1, perMs: 30 * 86_400_000 }, quietHours: { start: '21:00', end: '08:00' } },
        holdoutPercent: 10,
        goal: { event: 'PurchaseCompleted', withinMs: 7 * 86_400_000, where: undefined },
      }),
    });
  });

  it('accepts the smallest rule: a trigger and an action, enabled, with no holdout', () => {
    const parsed = parseRule({ id: 'r', name: 'R', trigger: { event: 'PageViewed' }, action: { channel: 'kafka', target: 'marketing.actions', template: 'x' } });
    expect(parsed).toMatchObject({ ok: true, rule: { enabled: true, holdoutPercent: 0, limits: {}, action: { params: {} } } });
  });

  it('refuses what is not an object', () => {
    expect(errorsOf(parseRule([WIN_BACK]))).toEqual([{ field: 'body', reason: 'must be a rule object' }]);
  });

  it('names every bad field with its reason, not only the first', () => {
    const errors = errorsOf(
      parseRule({
        ...WIN_BACK,
        id: 'Win Back!',
        colour: 'red',
        trigger: { event: 'PurchaseMade' },
        wait: { for: 'soon' },
        action: { ...WIN_BACK.action, target: 'crm.example' },
        limits: { quietHours: { start: '9pm', end: '08:00' } },
        holdout: 101,
        goal: { event: 'PurchaseCompleted', within: 'a week' },
      }),
    );
    expect(errors.map((e) => e.field)).toEqual([
      'colour',
      'id',
      'trigger.event',
      'wait.for',
      'action.target',
      'limits.quietHours.start',
      'holdout',
      'goal.within',
    ]);
    expect(errors).toContainEqual({ field: 'action.target', reason: 'must be an http(s) URL for a webhook' });
    expect(errors).toContainEqual({ field: 'wait.for', reason: 'must be a duration such as 30m, 2h or 7d' });
  });

  it('refuses a duration longer than a hundred years, which no instant from now could reach as a date', () => {
    const errors = errorsOf(
      parseRule({
        ...WIN_BACK,
        wait: { for: '200000000d' },
        limits: { frequencyCap: { count: 1, per: '5215w' } },
        goal: { event: 'PurchaseCompleted', within: `${Number.MAX_SAFE_INTEGER}0s` },
      }),
    );
    expect(errors).toEqual([
      { field: 'wait.for', reason: 'must be a duration of at most 36500d' },
      { field: 'limits.frequencyCap.per', reason: 'must be a duration of at most 36500d' },
      { field: 'goal.within', reason: 'must be a duration of at most 36500d' },
    ]);
    expect(parseRule({ ...WIN_BACK, limits: { frequencyCap: { count: 1, per: '36500d' } } }).ok).toBe(true);
  });

  it("holds a stored version's durations to a hundred years, so the version still loads and every instant from it is a date", () => {
    const parsed = parseStoredRule({ ...WIN_BACK, wait: { for: '200000000d' }, limits: { frequencyCap: { count: 1, per: '200000000d' } }, goal: { event: 'PurchaseCompleted', within: '200000000d' } });
    expect(parsed).toMatchObject({ ok: true, rule: { wait: { forMs: 36_500 * 86_400_000 }, limits: { frequencyCap: { perMs: 36_500 * 86_400_000 } }, goal: { withinMs: 36_500 * 86_400_000 } } });
  });

  it("refuses a Kafka action to the engine's own topics, as the configuration names them", () => {
    const kafka = (target: string) => ({ ...WIN_BACK, action: { channel: 'kafka', target, template: 'x' } });
    const checks = ruleChecks(loadConfig({ JOURNEY_KAFKA_INGEST_TOPIC: 'shop.events', JOURNEY_KAFKA_DEAD_LETTER_TOPIC: 'shop.events.dead', JOURNEY_KAFKA_RELAY_TOPIC: 'shop.feed' }));
    expect(errorsOf(parseRule(kafka('shop.events'), checks))).toEqual([
      { field: 'action.target', reason: "is one of the engine's own topics (shop.events, shop.events.dead, shop.feed), which a rule may not write to" },
    ]);
    expect(errorsOf(parseRule(kafka('shop.feed'), checks)).map((e) => e.field)).toEqual(['action.target']);
    expect(parseRule(kafka('marketing.actions'), checks).ok).toBe(true);
  });

  it('refuses a misspelt field inside any part of a rule, which would otherwise be dropped unseen', () => {
    const errors = errorsOf(
      parseRule({
        ...WIN_BACK,
        trigger: { ...WIN_BACK.trigger, wehre: { path: 'event.data.to', op: 'eq', value: 'lost' } },
        conditions: { all: [{ path: 'customer.commerce.orders', op: 'exists', valeu: 2 }, { not: { path: 'customer.forgotten', op: 'exists' }, nto: {} }], anyy: [] },
        wait: { for: '2h', cancelon: [{ event: 'PurchaseCompleted' }], cancelOn: [{ event: 'PurchaseCompleted', wehre: {} }] },
        action: { ...WIN_BACK.action, templat: 'Hi' },
        limits: { frequencyCAP: { count: 1, per: '1d' }, frequencyCap: { count: 1, per: '30d', scope: 'all' }, quietHours: { start: '21:00', end: '08:00', tz: 'UTC' } },
        consent: { channel: 'email', purpose: 'marketing', granted: true },
        goal: { event: 'PurchaseCompleted', within: '7d', wihtin: '1d' },
      }),
    );
    expect(errors).toEqual(
      [
        'trigger.wehre',
        'conditions.anyy',
        'conditions.all[0].valeu',
        'conditions.all[1].nto',
        'wait.cancelon',
        'wait.cancelOn[0].wehre',
        'action.templat',
        'limits.frequencyCAP',
        'limits.frequencyCap.scope',
        'limits.quietHours.tz',
        'consent.granted',
        'goal.wihtin',
      ].map((field) => ({ field, reason: 'is not a known field' })),
    );
  });

  it('loads a stored version with a field it does not know, ignoring the field', () => {
    expect(parseStoredRule({ ...WIN_BACK, limits: { frequencyCAP: { count: 1, per: '1d' } } })).toMatchObject({ ok: true, rule: { limits: {} } });
  });

  it('lets only the trigger and the conditions look at the customer; the goal and cancellations see the event', () => {
    const errors = errorsOf(
      parseRule({
        ...WIN_BACK,
        wait: { for: '1h', cancelOn: [{ event: 'PurchaseCompleted', where: { path: 'customer.commerce.orders', op: 'gt', value: 1 } }] },
        goal: { event: 'PurchaseCompleted', within: '7d', where: { any: [{ path: 'customer.value.tier', op: 'eq', value: 'high' }] } },
      }),
    );
    expect(errors).toEqual([
      { field: 'wait.cancelOn[0].where.path', reason: 'may only look at the event here' },
      { field: 'goal.where.any[0].path', reason: 'may only look at the event here' },
    ]);
  });

  it('refuses conditions with an unknown operator, a list operator without a list, or no value', () => {
    const errors = errorsOf(
      parseRule({
        ...WIN_BACK,
        conditions: {
          all: [
            { path: 'customer.commerce.orders', op: 'about', value: 2 },
            { path: 'event.data.to', op: 'in', value: 'at_risk' },
            { path: 'event.data.to', op: 'eq' },
            { path: 'order.total', op: 'exists' },
          ],
        },
      }),
    );
    expect(errors.map((e) => e.field)).toEqual([
      'conditions.all[0].op',
      'conditions.all[1].value',
      'conditions.all[2].value',
      'conditions.all[3].path',
    ]);
  });

  it('refuses a template that reads a field the trigger or the 360 does not have', () => {
    const errors = errorsOf(parseRule({ ...WIN_BACK, action: { ...WIN_BACK.action, template: '{{customer.profile.nickname}}' } }));
    expect(errors).toEqual([{ field: 'action.template', reason: 'refers to customer.profile.nickname, which does not exist' }]);
  });

  it('refuses a template that would throw when rendered; a stored version holding one still loads', () => {
    const partial = { ...WIN_BACK, action: { ...WIN_BACK.action, template: 'Hi {{> greeting}}' } };
    expect(errorsOf(parseRule(partial))).toEqual([{ field: 'action.template', reason: 'uses a partial ({{> greeting}}); templates have none' }]);
    expect(parseStoredRule(partial)).toMatchObject({ ok: true, rule: { action: { template: 'Hi {{> greeting}}' } } });
  });
});
