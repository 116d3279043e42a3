import { randomUUID } from 'node:crypto';
import type { EventType } from '@journey/contracts';

/** A valid payload of every event type, as an upstream app would send it. */
export const SAMPLE_DATA: Record<EventType, Record<string, unknown>> = {
  CustomerRegistered: { name: 'Ada Lovelace', email: 'ada@example.com', country: 'GB', timezone: 'Europe/London', signupChannel: 'web' },
  CustomerProfileUpdated: { phone: '+442071234567', city: 'London', birthday: '1990-12-10', attributes: { vip: true, shoeSize: 38 } },
  ConsentChanged: { channel: 'email', purpose: 'marketing', granted: true },
  IdentityLinked: { anonymousId: 'anon-7f3a' },
  CustomerForgotten: { reason: 'customer request' },
  PurchaseCompleted: {
    orderId: 'o-1001',
    items: [
      { sku: 'SKU-1', category: 'shoes', name: 'Runner', quantity: 1, unitPrice: 8999 },
      { sku: 'SKU-2', category: 'socks', quantity: 3, unitPrice: 499 },
    ],
    total: 10496,
    currency: 'EUR',
    channel: 'web',
    storeId: 'eu-web',
  },
  PurchaseRefunded: { orderId: 'o-1001', amount: 499, currency: 'EUR', reason: 'wrong size', items: [{ sku: 'SKU-2', quantity: 1 }] },
  PageViewed: { url: 'https://shop.example/shoes', title: 'Shoes' },
  ProductViewed: { sku: 'SKU-1', category: 'shoes', price: 8999, currency: 'EUR' },
  SearchPerformed: { query: 'trail running shoes', resultsCount: 42 },
  CartUpdated: { cartId: 'cart-9', items: [{ sku: 'SKU-1', quantity: 1, unitPrice: 8999 }], total: 8999, currency: 'EUR' },
  CustomEvent: { name: 'Newsletter Subscribed', properties: { list: 'weekly', source: 'footer' } },
  TicketOpened: { ticketId: 't-77', subject: 'Where is my order?', channel: 'email', priority: 'normal' },
  TicketUpdated: { ticketId: 't-77', status: 'pending', note: 'asked the carrier' },
  TicketResolved: { ticketId: 't-77', satisfaction: 4 },
  FeedbackGiven: { score: 9, comment: 'great service' },
  MessageSent: { messageId: 'm-1', channel: 'email', campaignId: 'spring', template: 'welcome' },
  MessageDelivered: { messageId: 'm-1', channel: 'email' },
  MessageOpened: { messageId: 'm-1', channel: 'email' },
  MessageClicked: { messageId: 'm-1', channel: 'email', url: 'https://shop.example/sale' },
  MessageReplied: { messageId: 'm-1', channel: 'sms', text: 'STOP' },
  MessageBounced: { messageId: 'm-1', channel: 'email', bounce: 'hard', reason: 'mailbox unknown' },
  Unsubscribed: { channel: 'email', purpose: 'marketing', messageId: 'm-1' },
  LifecycleStageChanged: { from: 'first_time', to: 'repeat', reason: 'second purchase' },
  ValueTierChanged: { from: 'medium', to: 'high', rfm: { recency: 5, frequency: 4, monetary: 5 }, segment: 'Champions' },
  ActionScheduled: {
    ruleId: 'welcome',
    ruleVersion: 1,
    actionId: '6f1c2a8e-9f7a-4c5e-8d7b-1a2b3c4d5e6f',
    triggerEventId: '0b9d7c1e-2f3a-4b5c-8d6e-7f8091a2b3c4',
    channel: 'webhook',
    dueAt: '2026-01-01T12:00:00Z',
  },
  ActionDispatched: {
    ruleId: 'welcome',
    ruleVersion: 1,
    actionId: '6f1c2a8e-9f7a-4c5e-8d7b-1a2b3c4d5e6f',
    triggerEventId: '0b9d7c1e-2f3a-4b5c-8d6e-7f8091a2b3c4',
    channel: 'webhook',
    attempt: 1,
  },
  ActionFailed: {
    ruleId: 'welcome',
    ruleVersion: 1,
    actionId: '6f1c2a8e-9f7a-4c5e-8d7b-1a2b3c4d5e6f',
    triggerEventId: '0b9d7c1e-2f3a-4b5c-8d6e-7f8091a2b3c4',
    channel: 'webhook',
    attempts: 5,
    error: 'HTTP 500',
  },
  ActionSuppressed: { ruleId: 'welcome', ruleVersion: 1, triggerEventId: '0b9d7c1e-2f3a-4b5c-8d6e-7f8091a2b3c4', reason: 'frequency_cap' },
  ConversionAttributed: {
    ruleId: 'welcome',
    ruleVersion: 1,
    actionId: '6f1c2a8e-9f7a-4c5e-8d7b-1a2b3c4d5e6f',
    conversionEventId: '1c2d3e4f-5a6b-4c7d-8e9f-0a1b2c3d4e5f',
    goalType: 'PurchaseCompleted',
    holdout: false,
    value: 8999,
    currency: 'EUR',
  },
};

export interface SampleOptions {
  readonly customerId?: string;
  readonly anonymousId?: string;
  readonly occurredAt?: string;
  readonly data?: Record<string, unknown>;
}

export type SampleEnvelope = Record<string, unknown> & { eventId: string };

/** A complete, valid envelope of the given type (a fresh event id each time). */
export function sampleEvent(type: EventType = 'PurchaseCompleted', options: SampleOptions = {}): SampleEnvelope {
  const owner = options.anonymousId ? { anonymousId: options.anonymousId } : { customerId: options.customerId ?? 'c-42' };
  return {
    eventId: randomUUID(),
    type,
    ...owner,
    occurredAt: options.occurredAt ?? '2026-03-01T12:00:00.000Z',
    source: 'shop',
    data: structuredClone(options.data ?? SAMPLE_DATA[type]),
    metadata: { correlationId: 'req-1' },
  };
}
