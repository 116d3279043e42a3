import type { SegmentBatchBody, SegmentCall, SegmentMessageBody } from './segment-message';

/** One example of each call, as the SDKs send them (the document shows them; the OpenAPI test sends them). */
export const EXAMPLES: Readonly<Record<SegmentCall, SegmentMessageBody>> = {
  track: {
    messageId: 'ex-track-1',
    userId: 'c-42',
    event: 'Order Completed',
    timestamp: '2026-03-01T12:00:00.000Z',
    properties: { order_id: 'o-2001', total: 27.49, currency: 'EUR', products: [{ product_id: 'p-1', sku: 'SKU-1', price: 19.99, quantity: 1 }, { product_id: 'p-2', price: 3.75, quantity: 2 }] },
  },
  identify: { messageId: 'ex-identify-1', userId: 'c-42', anonymousId: 'v-7f3a', traits: { firstName: 'Ada', lastName: 'Lovelace', email: 'ada@example.com', plan: 'pro' } },
  page: { messageId: 'ex-page-1', anonymousId: 'v-7f3a', name: 'Shoes', properties: { url: 'https://shop.example/shoes' } },
  screen: { messageId: 'ex-screen-1', userId: 'c-42', name: 'Cart' },
  alias: { messageId: 'ex-alias-1', userId: 'c-42', previousId: 'v-7f3a' },
  group: { messageId: 'ex-group-1', userId: 'c-42', groupId: 'acme', traits: { plan: 'enterprise' } },
};

export const BATCH_EXAMPLE: SegmentBatchBody = {
  batch: [
    { type: 'track', ...EXAMPLES.track, messageId: 'ex-batch-1' },
    { type: 'identify', ...EXAMPLES.identify, messageId: 'ex-batch-2' },
  ],
  sentAt: '2026-03-01T12:00:01.000Z',
};
