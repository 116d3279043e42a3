const CATEGORIES = ['shoes', 'apparel', 'accessories', 'outdoor', 'home', 'beauty', 'electronics', 'books', 'toys', 'grocery'];
const STAGES = ['first_time', 'repeat', 'loyal', 'at_risk', 'churned', 'reactivated'];
const SEARCHES = ['running shoes', 'rain jacket', 'gift for her', 'usb-c cable', 'organic tea', 'board game', 'sale', 'backpack'];

type RuleJson = Record<string, unknown>;

/**
 * A hundred rules of the kinds shops write, over the generator's catalogue: a category with a
 * price floor, a basket over an amount, a stage change, a ticket of some priority, a search
 * without results. Each matches a small share of its trigger's events (as real campaigns do),
 * with conditions on the 360, waits with exits, caps, consent and holdouts. They act on the log
 * channel: the saga's deciding is what is measured, not a receiver.
 */
export function benchmarkRules(): RuleJson[] {
  const rules: RuleJson[] = [];
  const add = (trigger: RuleJson, extra: RuleJson = {}): void => {
    const i = rules.length;
    rules.push({
      id: `bench-${String(i).padStart(3, '0')}`,
      name: `benchmark rule ${i} on ${String(trigger.event)}`,
      trigger,
      action: { channel: 'log', target: `rule-${i}`, template: '{"customer": {{json customer.customerId}}, "stage": {{json customer.lifecycle.stage}} }' },
      limits: { frequencyCap: { count: 1 + (i % 3), per: `${7 + (i % 4) * 7}d` } },
      ...(i % 2 === 0 ? { consent: { channel: 'email', purpose: 'marketing' } } : {}),
      ...(i % 4 === 0 ? { holdout: 10, goal: { event: 'PurchaseCompleted', within: '14d' } } : {}),
      ...extra,
    });
  };
  // Interest in an expensive product of a category (25 rules).
  for (let i = 0; i < 25; i++) {
    const category = CATEGORIES[i % CATEGORIES.length]!;
    add(
      { event: 'ProductViewed', where: { all: [{ path: 'event.data.category', op: 'eq', value: category }, { path: 'event.data.price', op: 'gte', value: 15_000 + (i % 5) * 10_000 }] } },
      { conditions: { all: [{ path: 'customer.commerce.orders', op: 'gte', value: i % 3 }] }, ...(i % 5 === 0 ? { wait: { for: '2h', cancelOn: [{ event: 'PurchaseCompleted' }] } } : {}) },
    );
  }
  // Big baskets left behind (10 rules).
  for (let i = 0; i < 10; i++) {
    add(
      { event: 'CartUpdated', where: { path: 'event.data.total', op: 'gte', value: 25_000 + i * 5_000 } },
      { wait: { for: `${1 + (i % 4)}h`, cancelOn: [{ event: 'PurchaseCompleted' }] } },
    );
  }
  // Purchases: large orders, orders of a category, a customer's second order (20 rules).
  for (let i = 0; i < 20; i++) {
    const where =
      i % 2 === 0
        ? { path: 'event.data.total', op: 'gte', value: 40_000 + i * 5_000 }
        : { all: [{ path: 'event.data.channel', op: 'eq', value: i % 3 === 0 ? 'store' : 'app' }, { path: 'event.data.total', op: 'gte', value: 15_000 + i * 2_000 }] };
    add({ event: 'PurchaseCompleted', where }, { conditions: { any: [{ path: 'customer.commerce.orders', op: 'eq', value: 2 + (i % 3) }, { path: 'customer.lifecycle.stage', op: 'eq', value: 'loyal' }] } });
  }
  // Lifecycle moments (15 rules).
  for (let i = 0; i < 15; i++) {
    add(
      { event: 'LifecycleStageChanged', where: { path: 'event.data.to', op: 'eq', value: STAGES[i % STAGES.length] } },
      i % 3 === 0 ? { conditions: { path: 'customer.commerce.orders', op: 'gte', value: 3 } } : {},
    );
  }
  // Searches that found nothing, or a seasonal query (10 rules).
  for (let i = 0; i < 10; i++) {
    add({
      event: 'SearchPerformed',
      where: i % 2 === 0 ? { path: 'event.data.resultsCount', op: 'eq', value: i } : { all: [{ path: 'event.data.query', op: 'eq', value: SEARCHES[i % SEARCHES.length] }, { path: 'event.data.resultsCount', op: 'lt', value: 5 }] },
    });
  }
  // Support and satisfaction (10 rules).
  for (let i = 0; i < 10; i++) {
    if (i < 4) add({ event: 'TicketOpened', where: { path: 'event.data.priority', op: 'in', value: i % 2 ? ['urgent'] : ['high', 'urgent'] } }, { conditions: { path: 'customer.commerce.orders', op: 'gte', value: 2 + i } });
    else if (i < 7) add({ event: 'TicketResolved' }, { wait: { for: `${i}h`, cancelOn: [{ event: 'TicketOpened' }] } });
    else add({ event: 'FeedbackGiven', where: { path: 'event.data.score', op: 'lte', value: i - 5 } });
  }
  // Engagement: clicks of a campaign by valuable customers, refunds (10 rules).
  for (let i = 0; i < 10; i++) {
    if (i < 6) add({ event: 'MessageClicked' }, { conditions: { all: [{ path: 'customer.commerce.orders', op: 'gte', value: 4 + i }, { path: 'customer.lifecycle.stage', op: 'in', value: ['loyal', 'at_risk'] }] } });
    else add({ event: 'PurchaseRefunded', where: { path: 'event.data.amount', op: 'gte', value: 5_000 * (i - 5) } });
  }
  return rules;
}
