import { foldWeekly, weekOf } from './weekly-fold';

describe('the weekly fold', () => {
  it('puts an instant in the week of its UTC Monday', () => {
    expect(weekOf('2026-01-05T00:00:00.000Z')).toBe('2026-01-05');
    expect(weekOf('2026-01-11T23:59:59.999Z')).toBe('2026-01-05');
    expect(weekOf('2026-01-01T12:00:00.000Z')).toBe('2025-12-29');
  });

  it('sums orders, revenue and refunds per week and currency, and counts stage changes by from → to', () => {
    const at = (day: string) => `2026-01-${day}T10:00:00.000Z`;
    const { sales, stages } = foldWeekly([
      { type: 'PurchaseCompleted', occurredAt: at('05'), data: { total: 1000, currency: 'EUR' } },
      { type: 'PurchaseCompleted', occurredAt: at('06'), data: { total: 500, currency: 'EUR' } },
      { type: 'PurchaseCompleted', occurredAt: at('06'), data: { total: 700, currency: 'JPY' } },
      { type: 'PurchaseRefunded', occurredAt: at('13'), data: { amount: 200, currency: 'EUR' } },
      { type: 'LifecycleStageChanged', occurredAt: at('07'), data: { from: 'prospect', to: 'first_time' } },
      { type: 'LifecycleStageChanged', occurredAt: at('08'), data: { from: 'prospect', to: 'first_time' } },
      { type: 'PageViewed', occurredAt: at('08'), data: {} },
    ] as Parameters<typeof foldWeekly>[0]);
    expect(sales).toEqual([
      { week: '2026-01-05', currency: 'EUR', orders: 2, revenue: 1500, refunds: 0 },
      { week: '2026-01-05', currency: 'JPY', orders: 1, revenue: 700, refunds: 0 },
      { week: '2026-01-12', currency: 'EUR', orders: 0, revenue: 0, refunds: 200 },
    ]);
    expect(stages).toEqual([{ week: '2026-01-05', from: 'prospect', to: 'first_time', changes: 2 }]);
  });
});
