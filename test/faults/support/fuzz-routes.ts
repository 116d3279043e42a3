import type { Role } from '@journey/platform';
import { sampleEvent } from '../../support/sample-events';

/** The customers, visitor and rule the fuzzer seeds, so that plausible values reach past the 404s. */
export const SEEDED = { customers: ['fz-1', 'fz-2'], visitor: 'fz-v1', rule: 'fuzz-rule' } as const;

/** A rule that no fuzzed event matches, so that nothing acts in the background while refusals are checked. */
export const RULE = {
  id: SEEDED.rule,
  name: 'fuzzed rule',
  trigger: { event: 'SearchPerformed', where: { path: 'event.data.query', op: 'eq', value: 'no fuzzed search says this' } },
  conditions: { all: [{ path: 'customer.commerce.orders', op: 'gte', value: 0 }] },
  action: { channel: 'log', target: 'fuzz', template: '{"customer": {{json customer.customerId}} }' },
  limits: { frequencyCap: { count: 1, per: '7d' } },
};

export interface FuzzRoute {
  readonly method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  /** Segments; `:name` is a parameter. */
  readonly path: string;
  /** The roles admitted besides admin (empty: admin only; undefined: public). */
  readonly roles?: readonly Role[];
  readonly params?: Readonly<Record<string, readonly string[]>>;
  readonly query?: Readonly<Record<string, readonly string[]>>;
  readonly body?: () => unknown;
}

const instants = ['2026-01-01T00:00:00Z', '2025-06-30', '2030-01-01T00:00:00+02:00'];
const customer = { customerId: [...SEEDED.customers, 'nobody'] };
const filters = {
  stage: ['first_time', 'repeat,loyal', 'prospect'],
  tier: ['high', 'low'],
  segment: ['Champions'],
  country: ['GB', 'DE'],
  city: ['London'],
  lastPurchaseBefore: instants,
  lastPurchaseAfter: instants,
  minRevenue: ['0', '5000'],
  consent: ['email:marketing'],
  openTicket: ['true', 'false'],
};

/** Every route of the engine, with what a well-meaning client would send it. */
export const ROUTES: readonly FuzzRoute[] = [
  { method: 'GET', path: '/health' },
  { method: 'GET', path: '/docs/openapi.json' },
  { method: 'GET', path: '/metrics', roles: [] },
  { method: 'POST', path: '/v1/events', roles: ['ingest'], body: () => sampleEvent('PageViewed', { customerId: SEEDED.customers[0], occurredAt: new Date().toISOString() }) },
  {
    method: 'POST',
    path: '/v1/batch',
    roles: ['ingest'],
    body: () => ({
      batch: [
        { type: 'track', messageId: `fz-${Date.now()}`, userId: SEEDED.customers[0], event: 'Order Completed', properties: { order_id: 'fz-o', currency: 'EUR', products: [{ sku: 'A', price: 9.99 }] } },
        { type: 'page', anonymousId: SEEDED.visitor, properties: { url: 'https://shop.example/' } },
      ],
    }),
  },
  { method: 'POST', path: '/v1/identify', roles: ['ingest'], body: () => ({ userId: SEEDED.customers[1], traits: { email: 'fz@example.com', plan: 'pro' } }) },
  { method: 'GET', path: '/v1/dead-letters', roles: ['ingest'], query: { after: ['0', '10'], limit: ['1', '1000'] } },
  { method: 'GET', path: '/v1/streams/:streamId/events', roles: ['auditor'], params: { streamId: [`customer-${SEEDED.customers[0]}`, `visitor-${SEEDED.visitor}`, 'c-42'] }, query: { from: ['1', '2'], limit: ['1', '100'], until: instants } },
  { method: 'GET', path: '/v1/customers', roles: ['marketing'], query: { ...filters, limit: ['1', '1000'], after: ['ZnotMQ', 'ZnotMg'] } },
  { method: 'GET', path: '/v1/customers/:customerId', roles: ['marketing'], params: customer },
  { method: 'GET', path: '/v1/exports/customers.csv', roles: ['marketing'], query: filters },
  { method: 'GET', path: '/v1/customers/:customerId/export', roles: [], params: customer },
  { method: 'POST', path: '/v1/customers/:customerId/forget', roles: [], params: { customerId: ['nobody', 'fz-forgettable'] }, body: () => ({ reason: 'erasure request' }) },
  { method: 'GET', path: '/v1/analytics/funnel', roles: ['marketing'], query: { from: instants, to: instants } },
  { method: 'GET', path: '/v1/analytics/value', roles: ['marketing'] },
  { method: 'GET', path: '/v1/analytics/retention', roles: ['marketing'], query: { from: instants, to: instants } },
  { method: 'GET', path: '/v1/analytics/campaigns', roles: ['marketing'] },
  { method: 'GET', path: '/v1/rules', roles: ['marketing'] },
  { method: 'GET', path: '/v1/rules/results', roles: ['marketing'] },
  { method: 'GET', path: '/v1/rules/:id', roles: ['marketing'], params: { id: [SEEDED.rule, 'nope'] } },
  { method: 'POST', path: '/v1/rules', roles: ['marketing'], body: () => RULE },
  { method: 'PUT', path: '/v1/rules/:id', roles: ['marketing'], params: { id: [SEEDED.rule] }, body: () => RULE },
  { method: 'POST', path: '/v1/rules/:id/enable', roles: ['marketing'], params: { id: [SEEDED.rule, 'nope'] } },
  { method: 'POST', path: '/v1/rules/:id/disable', roles: ['marketing'], params: { id: ['nope'] } },
  { method: 'DELETE', path: '/v1/rules/:id', roles: ['marketing'], params: { id: ['nope'] } },
  { method: 'GET', path: '/v1/rules/:id/results', roles: ['marketing'], params: { id: [SEEDED.rule, 'nope'] } },
  {
    method: 'POST',
    path: '/v1/rules/:id/dry-run',
    roles: ['marketing'],
    params: { id: [SEEDED.rule] },
    body: () => ({ customerId: SEEDED.customers[0], event: sampleEvent('SearchPerformed', { customerId: SEEDED.customers[0], occurredAt: new Date().toISOString() }) }),
  },
  { method: 'GET', path: '/v1/audit/verify', roles: ['auditor'] },
  { method: 'GET', path: '/v1/audit/verify/:streamId', roles: ['auditor'], params: { streamId: [`customer-${SEEDED.customers[0]}`, 'nope'] } },
  { method: 'GET', path: '/v1/audit/customers/:customerId/as-of', roles: ['auditor'], params: customer, query: { at: instants } },
  { method: 'POST', path: '/v1/audit/replay-check', roles: ['auditor'] },
  { method: 'GET', path: '/v1/audit/access-log', roles: ['auditor'], query: { keyId: ['admin-env'], from: instants, to: instants, after: ['0'], limit: ['1', '10'] } },
  { method: 'GET', path: '/v1/keys', roles: [] },
  { method: 'POST', path: '/v1/keys', roles: [], body: () => ({ role: 'ingest', name: 'fuzzed key' }) },
  { method: 'DELETE', path: '/v1/keys/:id', roles: [], params: { id: ['000000000000', 'nope'] } },
];
