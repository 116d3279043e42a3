import type { EventType } from '@journey/contracts';

/**
 * A hundred rules of the kinds shops write: triggers spread over the common event types, with
 * filters and conditions on the event and the 360, some with waits, caps, consent and holdouts.
 * They act on the log channel: the saga's deciding is measured, not a receiver.
 */
export function benchmarkRules(): Array<Record<string, unknown>> {
  const triggers: EventType[] = ['PurchaseCompleted', 'ProductViewed', 'CartUpdated', 'SearchPerformed', 'PageViewed', 'MessageOpened', 'MessageClicked', 'TicketOpened', 'TicketResolved', 'LifecycleStageChanged'];
  return Array.from({ length: 100 }, (_, i) => {
    const trigger = triggers[i % triggers.length]!;
    const where =
      trigger === 'PurchaseCompleted'
        ? { path: 'event.data.total', op: 'gte', value: 2000 + (i % 7) * 2000 }
        : trigger === 'LifecycleStageChanged'
          ? { path: 'event.data.to', op: 'in', value: ['at_risk', 'churned', 'first_time'] }
          : undefined;
    const conditions = [
      { path: 'customer.commerce.orders', op: 'gte', value: i % 4 },
      { path: 'customer.consent.email:marketing.granted', op: 'eq', value: true },
      { any: [{ path: 'customer.lifecycle.stage', op: 'in', value: ['repeat', 'loyal', 'reactivated'] }, { path: 'customer.activity.views', op: 'gt', value: 20 + (i % 10) * 5 }] },
    ].slice(0, 1 + (i % 3));
    return {
      id: `bench-${String(i).padStart(3, '0')}`,
      name: `benchmark rule ${i} on ${trigger}`,
      trigger: { event: trigger, ...(where ? { where } : {}) },
      conditions: { all: conditions },
      ...(i % 5 === 0 ? { wait: { for: '2h', cancelOn: [{ event: 'PurchaseCompleted' }] } } : {}),
      action: { channel: 'log', target: `rule-${i}`, template: '{"customer": {{json customer.customerId}}, "stage": {{json customer.lifecycle.stage}} }' },
      limits: { frequencyCap: { count: 1 + (i % 3), per: `${7 + (i % 4) * 7}d` } },
      ...(i % 2 === 0 ? { consent: { channel: 'email', purpose: 'marketing' } } : {}),
      ...(i % 4 === 0 ? { holdout: 10, goal: { event: 'PurchaseCompleted', within: '14d' } } : {}),
    };
  });
}
