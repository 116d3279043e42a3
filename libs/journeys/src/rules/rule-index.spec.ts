import type { Rule } from '@journey/domain';
import { parseRule } from './rule-definition';
import { RuleIndex } from './rule-index';
import type { RuleRecord, RuleStore } from './rule-store';

function rule(id: string, version: number, enabled: boolean, definition: Record<string, unknown>): RuleRecord {
  const parsed = parseRule({
    id,
    name: id,
    action: { channel: 'webhook', target: 'http://127.0.0.1:4000/messages', template: 'hello' },
    ...definition,
  });
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors));
  return { rule: { ...parsed.rule, enabled, version } as Rule, definition, deleted: !enabled, savedAt: '2026-12-01T00:00:00.000Z' };
}

describe('the rule index', () => {
  it('heeds the triggers of enabled rules, and what ends a wait or completes a goal in any version', async () => {
    const versions = [
      // An older version's goal and wait may still be open for some customers.
      rule('winback', 1, true, { trigger: { event: 'LifecycleStageChanged' }, goal: { event: 'PurchaseCompleted', within: '30d' } }),
      rule('winback', 2, false, { trigger: { event: 'LifecycleStageChanged' }, wait: { for: '2d', cancelOn: [{ event: 'MessageOpened' }] } }),
      rule('vip', 1, true, { trigger: { event: 'SegmentEntered' } }),
    ];
    const index = new RuleIndex({ everyVersion: async () => versions } as unknown as RuleStore);
    await index.refresh();
    expect(['SegmentEntered', 'PurchaseCompleted', 'MessageOpened'].filter((type) => index.heeds(type))).toEqual(['SegmentEntered', 'PurchaseCompleted', 'MessageOpened']);
    // winback's current version is disabled: its trigger is not heeded, nor are types no rule names.
    for (const type of ['LifecycleStageChanged', 'ActionScheduled', 'SegmentExited']) expect(index.heeds(type)).toBe(false);
    expect(index.triggeredBy('LifecycleStageChanged')).toEqual([]);
    expect(index.triggeredBy('SegmentEntered').map((r) => r.id)).toEqual(['vip']);
  });
});
