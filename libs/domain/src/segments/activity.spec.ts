import type { JourneyEvent } from '@journey/contracts';
import { countInWindow, DAY_MS, dayOf, nextWindowChange, recordActivity, type ActivityHistory } from './activity';
import { MAX_WINDOW_DAYS } from './segment';

const event = (type: string, occurredAt: string, data: Record<string, unknown> = {}): JourneyEvent =>
  ({ eventId: '00000000-0000-4000-8000-000000000001', type, version: 1, customerId: 'c-1', occurredAt, source: 'test', data, metadata: {} }) as JourneyEvent;
const bought = (occurredAt: string, ...categories: string[]) =>
  event('PurchaseCompleted', occurredAt, { orderId: 'o', items: categories.map((category) => ({ sku: 's', category, quantity: 3, unitPrice: 1 })), total: 1, currency: 'EUR' });
const fold = (...events: JourneyEvent[]): ActivityHistory => events.reduce(recordActivity, {} as ActivityHistory);

describe('the per-customer event history', () => {
  it('counts an event once per key it falls under, per UTC day', () => {
    const history = fold(bought('2026-03-01T10:00:00Z', 'shoes', 'shoes', 'hats'), bought('2026-03-01T23:00:00Z', 'shoes'));
    const day = dayOf(Date.parse('2026-03-01T00:00:00Z'));
    expect(history).toEqual({ PurchaseCompleted: [day, 2], 'PurchaseCompleted|category=shoes': [day, 2], 'PurchaseCompleted|category=hats': [day, 1] });
  });

  it('counts a window of days ending today, today included', () => {
    const history = fold(event('MessageOpened', '2026-03-01T10:00:00Z'), event('MessageOpened', '2026-03-20T10:00:00Z'), event('MessageOpened', '2026-03-30T10:00:00Z'));
    const at = Date.parse('2026-03-30T12:00:00Z');
    expect(countInWindow(history, 'MessageOpened', 1, at)).toBe(1);
    expect(countInWindow(history, 'MessageOpened', 11, at)).toBe(2);
    expect(countInWindow(history, 'MessageOpened', 30, at)).toBe(3);
    expect(countInWindow(history, 'MessageOpened', 30, Date.parse('2026-03-31T00:00:00Z'))).toBe(2);
    expect(countInWindow(history, 'MessageClicked', 30, at)).toBe(0);
  });

  it('keeps late events in day order and drops days no window reaches', () => {
    const history = fold(event('PageViewed', '2026-03-10T00:00:00Z'), event('PageViewed', '2026-03-05T00:00:00Z'), event('PageViewed', '2026-03-10T05:00:00Z'));
    const d = (text: string) => dayOf(Date.parse(text));
    expect(history.PageViewed).toEqual([d('2026-03-05'), 1, d('2026-03-10'), 2]);
    const later = recordActivity(history, event('PageViewed', new Date(Date.parse('2026-03-05T00:00:00Z') + MAX_WINDOW_DAYS * DAY_MS).toISOString()));
    expect(later.PageViewed![0]).toBe(d('2026-03-10'));
    expect(recordActivity(later, event('PageViewed', '2025-01-01T00:00:00Z'))).toBe(later);
  });

  it('forgets a key once no window reaches its newest day, and keeps the others', () => {
    const d = (text: string) => dayOf(Date.parse(text));
    const history = fold(bought('2025-01-10T10:00:00Z', 'hats'), bought('2025-12-01T10:00:00Z', 'shoes'));
    const next = recordActivity(history, bought('2026-01-20T10:00:00Z', 'shoes'));
    // Hats were last bought 375 days before: no window of at most 365 days reaches them any more.
    expect(Object.keys(next).sort()).toEqual(['PurchaseCompleted', 'PurchaseCompleted|category=shoes']);
    expect(next['PurchaseCompleted|category=shoes']).toEqual([d('2025-12-01'), 1, d('2026-01-20'), 1]);
    expect(countInWindow(next, 'PurchaseCompleted|category=hats', MAX_WINDOW_DAYS, Date.parse('2026-01-20T10:00:00Z'))).toBe(0);
    // A key whose newest day is just inside the longest window stays.
    const inside = recordActivity(history, bought('2026-01-09T10:00:00Z', 'shoes'));
    expect(inside['PurchaseCompleted|category=hats']).toEqual([d('2025-01-10'), 1]);
  });

  it('tells when a day next enters or leaves a window', () => {
    const history = fold(event('MessageOpened', '2026-03-01T10:00:00Z'));
    expect(new Date(nextWindowChange(history, 'MessageOpened', 30, Date.parse('2026-03-01T10:00:00Z'))!).toISOString()).toBe('2026-03-31T00:00:00.000Z');
    expect(nextWindowChange(history, 'MessageOpened', 30, Date.parse('2026-04-01T00:00:00Z'))).toBeNull();
  });

  it('does not count the events the engine derives', () => {
    expect(fold(event('LifecycleStageChanged', '2026-03-01T00:00:00Z', { to: 'loyal', reason: 'x' }))).toEqual({});
  });
});
