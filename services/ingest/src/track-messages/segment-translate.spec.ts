import { translateMessage, TRACKING_NAMESPACE, type EventInput, type TranslateOptions } from './segment-translate';
import { trackMapping } from './track-mapping';
import { v5 as uuidv5 } from 'uuid';

const options: TranslateOptions = { receivedAt: new Date('2026-03-01T12:00:10.000Z'), mapping: trackMapping() };

function events(call: Parameters<typeof translateMessage>[0], message: Record<string, unknown>, given = options): readonly EventInput[] {
  const result = translateMessage(call, message, given);
  if (!result.ok) throw new Error(JSON.stringify(result.errors));
  return result.events;
}

function errors(call: Parameters<typeof translateMessage>[0], message: Record<string, unknown>): unknown {
  const result = translateMessage(call, message, options);
  if (result.ok) throw new Error('translated');
  return result.errors;
}

const order = {
  messageId: 'm-1',
  userId: 'c-1',
  event: 'Order Completed',
  timestamp: '2026-03-01T11:59:00.000Z',
  properties: {
    order_id: 'o-1',
    total: 27.49,
    currency: 'eur',
    coupon: 'SPRING',
    products: [
      { product_id: 'p-1', sku: 'SKU-1', name: 'Runner', category: 'shoes', price: 19.99, quantity: 1 },
      { product_id: 'p-2', price: '3.75', quantity: 2 },
    ],
  },
};

describe('Segment messages as events', () => {
  it('an Order Completed is a purchase with its amounts in minor units', () => {
    const [purchase] = events('track', order);
    expect(purchase).toEqual({
      eventId: uuidv5('m-1', TRACKING_NAMESPACE),
      type: 'PurchaseCompleted',
      customerId: 'c-1',
      occurredAt: '2026-03-01T11:59:00.000Z',
      source: 'segment',
      metadata: { messageId: 'm-1' },
      data: {
        orderId: 'o-1',
        total: 2749,
        currency: 'EUR',
        couponCode: 'SPRING',
        items: [
          { sku: 'SKU-1', name: 'Runner', category: 'shoes', quantity: 1, unitPrice: 1999 },
          { sku: 'p-2', quantity: 2, unitPrice: 375 },
        ],
      },
    });
  });

  it('the same messageId is the same event id (a retry is a duplicate)', () => {
    expect(events('track', order)[0]!.eventId).toBe(events('track', { ...order, timestamp: '2026-03-01T11:59:30.000Z' })[0]!.eventId);
  });

  it('uses the currency exponent: yen have no minor unit, dinars three', () => {
    const yen = events('track', { ...order, properties: { ...order.properties, currency: 'JPY', total: 3200, products: [{ sku: 'A', price: 3200 }] } })[0]!;
    expect(yen.data).toMatchObject({ total: 3200, items: [{ unitPrice: 3200, quantity: 1 }] });
    const dinar = events('track', { ...order, properties: { order_id: 'o', currency: 'KWD', products: [{ sku: 'A', price: 1.5, quantity: 2 }] } })[0]!;
    expect(dinar.data).toMatchObject({ total: 3000, items: [{ unitPrice: 1500 }] });
  });

  it('keeps every digit of a large amount in minor units', () => {
    const rial = events('track', { ...order, properties: { order_id: 'o', currency: 'IRR', total: 12_345_678_901.23, products: [{ sku: 'A', price: 12_345_678_901.23 }] } })[0]!;
    expect(rial.data).toMatchObject({ total: 1_234_567_890_123, items: [{ unitPrice: 1_234_567_890_123 }] });
  });

  it('corrects the client clock: receivedAt − sentAt + timestamp', () => {
    // The device's clock runs 10 minutes slow: it sent at 11:50:05 by its clock, received at 12:00:10.
    const [event] = events('track', { ...order, timestamp: '2026-03-01T11:50:00.000Z' }, { ...options, sentAt: '2026-03-01T11:50:05.000Z' });
    expect(event!.occurredAt).toBe('2026-03-01T12:00:05.000Z');
    expect(events('track', { ...order, timestamp: undefined })[0]!.occurredAt).toBe('2026-03-01T12:00:10.000Z');
    expect(events('track', { ...order, timestamp: undefined, originalTimestamp: '2026-03-01T11:00:00.000Z' })[0]!.occurredAt).toBe('2026-03-01T11:00:00.000Z');
  });

  it('reads a timestamp or sentAt without an offset as UTC, whatever the time zone of the server', () => {
    expect(events('track', { ...order, timestamp: '2026-03-01T11:59:00' })[0]!.occurredAt).toBe('2026-03-01T11:59:00.000Z');
    expect(events('track', { ...order, timestamp: undefined, originalTimestamp: '2026-03-01T11:00:00.250' })[0]!.occurredAt).toBe('2026-03-01T11:00:00.250Z');
    expect(events('track', { ...order, timestamp: '2026-03-01T11:50:00' }, { ...options, sentAt: '2026-03-01T11:50:05' })[0]!.occurredAt).toBe('2026-03-01T12:00:05.000Z');
    expect(events('track', { ...order, timestamp: '2026-03-01T13:59:00+02:00' })[0]!.occurredAt).toBe('2026-03-01T11:59:00.000Z');
    expect(events('track', { ...order, timestamp: '2026-03-01T06:59:00-0500' })[0]!.occurredAt).toBe('2026-03-01T11:59:00.000Z');
  });

  it('maps the e-commerce spec: refunds, product views, carts, searches', () => {
    const track = (event: string, properties: Record<string, unknown>) => events('track', { messageId: event, anonymousId: 'v-1', event, properties })[0]!;
    expect(track('Order Refunded', { order_id: 'o-1', total: 5, currency: 'USD', products: [{ sku: 'A', quantity: 1 }] })).toMatchObject({
      type: 'PurchaseRefunded',
      anonymousId: 'v-1',
      data: { orderId: 'o-1', amount: 500, currency: 'USD', items: [{ sku: 'A', quantity: 1 }] },
    });
    expect(track('Product Viewed', { product_id: 'p-9', price: 12, category: 'hats' })).toMatchObject({ type: 'ProductViewed', data: { sku: 'p-9', price: 1200, currency: 'USD', category: 'hats' } });
    expect(track('Product Added', { cart_id: 'k-1', product_id: 'p-9', price: 12, quantity: 2 })).toMatchObject({
      type: 'CartUpdated',
      data: { cartId: 'k-1', items: [{ sku: 'p-9', quantity: 2, unitPrice: 1200 }], total: 2400, currency: 'USD' },
    });
    expect(track('Product Removed', { cart_id: 'k-1', product_id: 'p-9', price: 12 })).toMatchObject({ type: 'CartUpdated', data: { items: [], total: 0 } });
    expect(track('products_searched', { query: 'hats' })).toMatchObject({ type: 'SearchPerformed', data: { query: 'hats' } });
  });

  it('keeps an unmapped name as a CustomEvent with its properties', () => {
    expect(events('track', { messageId: 'n', userId: 'c-1', event: 'Newsletter Subscribed', properties: { list: 'weekly' } })[0]).toMatchObject({
      type: 'CustomEvent',
      data: { name: 'Newsletter Subscribed', properties: { list: 'weekly' } },
    });
  });

  it('follows the configured table over the defaults', () => {
    const mapping = trackMapping({ 'Checkout Finished': 'PurchaseCompleted', 'Product Viewed': 'CustomEvent' });
    expect(events('track', { ...order, event: 'Checkout Finished' }, { ...options, mapping })[0]!.type).toBe('PurchaseCompleted');
    expect(events('track', { ...order, event: 'Product Viewed' }, { ...options, mapping })[0]!.type).toBe('CustomEvent');
    expect(() => trackMapping({ X: 'TicketOpened' })).toThrow(/not one of/);
  });

  it('identify: traits as a profile update and, with both ids, the visitor linked once per pair', () => {
    const identify = {
      messageId: 'i-1',
      userId: 'c-1',
      anonymousId: 'v-1',
      traits: { firstName: 'Ada', lastName: 'Lovelace', email: 'ada@example.com', phone: '+44 20 7123 4567', address: { city: 'London', country: 'gb' }, plan: 'pro', logins: 3, tags: ['x'] },
    };
    const [profile, link] = events('identify', identify);
    expect(profile).toMatchObject({
      type: 'CustomerProfileUpdated',
      customerId: 'c-1',
      data: { name: 'Ada Lovelace', email: 'ada@example.com', phone: '+442071234567', city: 'London', country: 'GB', attributes: { plan: 'pro', logins: 3 } },
    });
    expect(link).toMatchObject({ type: 'IdentityLinked', customerId: 'c-1', data: { anonymousId: 'v-1' } });
    expect(events('identify', { ...identify, messageId: 'i-2' })[1]!.eventId).toBe(link!.eventId);
    expect(events('identify', { messageId: 'i-3', userId: 'c-1', traits: {} })).toHaveLength(1);
  });

  it('alias links the previous id; page and screen are page views', () => {
    expect(events('alias', { messageId: 'a', userId: 'c-1', previousId: 'v-9' })[0]).toMatchObject({ type: 'IdentityLinked', customerId: 'c-1', data: { anonymousId: 'v-9' } });
    expect(events('page', { messageId: 'p', anonymousId: 'v-1', name: 'Shoes', properties: { url: 'https://shop.example/shoes' } })[0]).toMatchObject({
      type: 'PageViewed',
      anonymousId: 'v-1',
      data: { url: 'https://shop.example/shoes', title: 'Shoes' },
    });
    expect(events('page', { messageId: 'p', anonymousId: 'v-1', context: { page: { url: 'https://shop.example/', title: 'Home' } } })[0]!.data).toEqual({ url: 'https://shop.example/', title: 'Home' });
    expect(events('screen', { messageId: 's', userId: 'c-1', name: 'Cart Screen' })[0]!.data).toEqual({ url: 'screen://Cart%20Screen', title: 'Cart Screen' });
    expect(events('group', { messageId: 'g', userId: 'c-1', groupId: 'acme', traits: { plan: 'enterprise' } })[0]).toMatchObject({
      type: 'CustomEvent',
      data: { name: 'Group', properties: { groupId: 'acme', traits: { plan: 'enterprise' } } },
    });
  });

  it('an Order Completed without products is a purchase of its total, revenue or value, with no lines', () => {
    const bare = (properties: Record<string, unknown>) => events('track', { messageId: 'm-2', userId: 'c-1', event: 'Order Completed', properties: { order_id: 'o-2', ...properties } })[0]!.data;
    expect(bare({ revenue: 25, currency: 'eur' })).toEqual({ orderId: 'o-2', items: [], total: 2500, currency: 'EUR' });
    expect(bare({ total: 30, revenue: 25 })).toEqual({ orderId: 'o-2', items: [], total: 3000, currency: 'USD' });
    expect(bare({ value: 0, products: [] })).toEqual({ orderId: 'o-2', items: [], total: 0, currency: 'USD' });
  });

  it('refuses an Order Completed that names neither products nor an amount: nothing says what was paid', () => {
    const reason = expect.stringMatching(/^is required when the order names no products: the amount paid/);
    expect(errors('track', { userId: 'c', event: 'Order Completed', properties: { order_id: 'o' } })).toEqual([{ field: 'properties.total', reason }]);
    expect(errors('track', { userId: 'c', event: 'Order Completed', properties: { order_id: 'o', products: [] } })).toEqual([{ field: 'properties.total', reason }]);
  });

  it('names what is wrong in Segment field names', () => {
    expect(errors('track', { messageId: 'x', event: 'Order Completed', properties: { products: [{ sku: 'A' }] } })).toEqual([
      { field: 'userId', reason: expect.stringContaining('anonymousId') },
      { field: 'properties.products[0].price', reason: expect.stringContaining('unit price') },
      { field: 'properties.order_id', reason: expect.any(String) },
    ]);
    expect(errors('track', { userId: 'c', event: 'Order Refunded', properties: { order_id: 'o' } })).toEqual([{ field: 'properties.total', reason: expect.any(String) }]);
    expect(errors('alias', { userId: 'c' })).toEqual([{ field: 'previousId', reason: expect.any(String) }]);
    expect(errors('track', { userId: 'c', event: 'X', timestamp: 'yesterday' })).toEqual([{ field: 'timestamp', reason: expect.any(String) }]);
  });

  it("takes an identity provider's user id (Auth0's auth0|…, google-oauth2|…) as the customer's id", () => {
    expect(events('track', { ...order, userId: 'auth0|5f1b2c3d4e5f6a7b8c9d0e1f' })[0]).toMatchObject({ customerId: 'auth0|5f1b2c3d4e5f6a7b8c9d0e1f' });
    expect(events('alias', { messageId: 'a', userId: 'google-oauth2|1049', previousId: 'v|1' })[0]).toMatchObject({ customerId: 'google-oauth2|1049', data: { anonymousId: 'v|1' } });
  });

  it('names userId, anonymousId or previousId when the id is not one, not the customerId it would become', () => {
    const notAnId = { field: expect.any(String), reason: expect.stringMatching(/^must be an identifier of 1 to 128 characters/) };
    expect(errors('track', { ...order, userId: 'Ada Lovelace' })).toEqual([{ ...notAnId, field: 'userId' }]);
    expect(errors('page', { messageId: 'p', anonymousId: 'v/1', properties: { url: 'https://shop.example/' } })).toEqual([{ ...notAnId, field: 'anonymousId' }]);
    expect(errors('alias', { messageId: 'a', userId: 'c-1', previousId: '#1' })).toEqual([{ ...notAnId, field: 'previousId' }]);
  });

  it.each(['2025-02-29T12:00:00.000Z', '2026-04-31T12:00:00.000Z', '2026-03-01T24:00:00.000Z'])(
    'refuses a timestamp on a date or at a time that does not exist (%s) rather than roll it over',
    (timestamp) => {
      expect(errors('track', { ...order, timestamp })).toEqual([{ field: 'timestamp', reason: expect.stringMatching(/date and time that exist/) }]);
      expect(errors('track', { ...order, sentAt: timestamp })).toEqual([{ field: 'sentAt', reason: expect.stringMatching(/date and time that exist/) }]);
    },
  );

  it('names the first 50 problems of a message and counts the rest', () => {
    const found = errors('track', { ...order, properties: { order_id: 'o', products: Array.from({ length: 5000 }, () => ({})) } }) as Array<{ field: string; reason: string }>;
    expect(found).toHaveLength(51);
    expect(found[50]).toEqual({ field: '', reason: 'and 9950 more problems, not listed' });
  });

  it('refuses a message over 32 KB', () => {
    expect(errors('track', { messageId: 'big', userId: 'c', event: 'X', properties: { blob: 'x'.repeat(33 * 1024) } })).toEqual([
      { field: '', reason: expect.stringMatching(/at most 32768 bytes/) },
    ]);
  });

  it('gives a message without a messageId an id from its content, the same on a retry', () => {
    const message = { userId: 'c-1', event: 'X', timestamp: '2026-03-01T11:00:00.000Z' };
    expect(events('track', message)[0]!.eventId).toBe(events('track', { ...message })[0]!.eventId);
  });
});
