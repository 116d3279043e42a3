import type { JourneyEvent } from '@journey/contracts';
import { isResentAs, takenAt } from './message-resent';
import { translateMessage, type EventInput } from './segment-translate';
import { trackMapping } from './track-mapping';

const message = {
  messageId: 'm-1',
  userId: 'c-1',
  event: 'Order Completed',
  timestamp: '2026-03-01T11:59:00.000Z',
  properties: { order_id: 'o-1', currency: 'EUR', products: [{ product_id: 'p-1', price: 10, quantity: 1 }] },
};

function translated(given: Record<string, unknown>, sentAt: string): EventInput {
  const result = translateMessage('track', given, { receivedAt: new Date('2026-03-01T12:00:10.000Z'), mapping: trackMapping(), sentAt });
  if (!result.ok) throw new Error(JSON.stringify(result.errors));
  return result.events[0]!;
}

/** The event as the store gives it back: JSON keys in another order, the envelope completed. */
function stored(event: EventInput): JourneyEvent {
  const data = event.data as Record<string, unknown>;
  const reordered = Object.fromEntries(Object.entries(data).reverse());
  return { ...(JSON.parse(JSON.stringify(event)) as JourneyEvent), version: 1, data: reordered } as JourneyEvent;
}

describe('a message sent again', () => {
  const first = translated(message, '2026-03-01T11:59:05.000Z');

  it('is the same message when only its timestamps moved', () => {
    const again = translated(message, '2026-03-01T11:59:07.000Z');
    expect(again.occurredAt).not.toBe(first.occurredAt);
    expect(isResentAs(stored(first), again)).toBe(true);
  });

  it('is another message when anything else differs under the same messageId', () => {
    const otherOrder = translated({ ...message, properties: { ...message.properties, order_id: 'o-2' } }, '2026-03-01T11:59:05.000Z');
    const otherUser = translated({ ...message, userId: 'c-2' }, '2026-03-01T11:59:05.000Z');
    const otherName = translated({ ...message, event: 'Order Refunded', properties: { ...message.properties, total: 10 } }, '2026-03-01T11:59:05.000Z');
    for (const other of [otherOrder, otherUser, otherName]) expect(isResentAs(stored(first), other)).toBe(false);
  });

  it('finds where the store says the id is taken, and nothing in other refusals', () => {
    const reason = 'event id 0b9d7c1e-2f3a-4b5c-8d6e-7f8091a2b3c4 is already used by another event (stream customer-c-1, position 12)';
    expect(takenAt([{ field: 'events[3].eventId', reason }])).toEqual({ streamId: 'customer-c-1', position: 12 });
    expect(takenAt([{ field: 'data.total', reason: 'must be a non-negative integer' }])).toBeUndefined();
    expect(takenAt([{ field: 'eventId', reason }, { field: 'data.total', reason: 'must be a non-negative integer' }])).toBeUndefined();
  });
});
