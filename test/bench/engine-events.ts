import { randomUUID } from 'node:crypto';
import type { NewEvent } from '@journey/event-store';
import { purchaseData } from './bench-support';

/** The customers the engine benchmark's load spreads over. */
export const LOAD_CUSTOMERS = 20_000;

const VIEWED_METADATA = { correlationId: 'req', page: 'https://shop.example.com/catalogue/running/trail-runner-x', userAgent: 'Firefox/128.0' };

/**
 * The n-th event of the benchmarks' live traffic: two in three a ProductViewed, one in three a
 * PurchaseCompleted, each about 400 bytes as JSON (without the customer, which the caller adds).
 */
export function liveEvent(n: number, at: string): NewEvent {
  const purchase = n % 3 === 2;
  return {
    eventId: randomUUID(),
    type: purchase ? 'PurchaseCompleted' : 'ProductViewed',
    version: 1,
    occurredAt: at,
    source: 'shop',
    data: purchase
      ? purchaseData(n)
      : { sku: `SKU-${n % 977}`, category: 'shoes', name: 'Trail runner X, waterproof, size 42', price: 8999, currency: 'EUR' },
    metadata: purchase ? { correlationId: `req-${n}` } : VIEWED_METADATA,
  };
}

/** The same event as an upstream app posts it to /v1/events, for `customerId`. */
export function liveEventJson(n: number, customerId: string, at = new Date().toISOString()): string {
  const { eventId, type, occurredAt, source, data, metadata } = liveEvent(n, at);
  return JSON.stringify({ eventId, type, customerId, occurredAt, source, data, metadata });
}

/** A customer of the load, picked at random. */
export function loadCustomer(): string {
  return `bench-${Math.floor(Math.random() * LOAD_CUSTOMERS)}`;
}
