import { backtestSeries, funnelSeries, histogram, mainCurrency, retentionHeatmap, rfmHeatmap, transitionSeries, weeklySalesSeries, weeksBetween } from './series';

describe('chart series', () => {
  it('orders the funnel along the lifecycle, unknown stages last', () => {
    const series = funnelSeries({ churned: 3, first_time: 10, prospect: 40, zombie: 1, loyal: 5 }, (stage) => stage.toUpperCase());
    expect(series).toEqual([
      { key: 'prospect', name: 'PROSPECT', value: 40 },
      { key: 'first_time', name: 'FIRST_TIME', value: 10 },
      { key: 'loyal', name: 'LOYAL', value: 5 },
      { key: 'churned', name: 'CHURNED', value: 3 },
      { key: 'zombie', name: 'ZOMBIE', value: 1 },
    ]);
  });

  it('lists the Mondays of a period, across a year end', () => {
    expect(weeksBetween('2025-12-24', '2026-01-07')).toEqual(['2025-12-22', '2025-12-29', '2026-01-05']);
  });

  it('fills missing weeks with zero and shows net revenue in major units of the currency', () => {
    const rows = [
      { week: '2026-01-05', currency: 'EUR', orders: 3, revenue: 12_000, refunds: 2_000 },
      { week: '2026-01-05', currency: 'JPY', orders: 9, revenue: 5_000, refunds: 0 },
      { week: '2026-01-19', currency: 'EUR', orders: 1, revenue: 999, refunds: 0 },
    ];
    const weeks = ['2026-01-05', '2026-01-12', '2026-01-19'];
    expect(weeklySalesSeries(rows, weeks, 'EUR')).toEqual({ orders: [3, 0, 1], revenue: [100, 0, 9.99] });
    expect(weeklySalesSeries(rows, weeks, 'JPY')).toEqual({ orders: [9, 0, 0], revenue: [5000, 0, 0] });
    expect(mainCurrency(rows)).toBe('JPY');
  });

  it('stacks stage changes by the stage entered, summing the stages they came from', () => {
    const rows = [
      { week: '2026-01-05', from: 'first_time', to: 'repeat', changes: 4 },
      { week: '2026-01-05', from: 'prospect', to: 'first_time', changes: 7 },
      { week: '2026-01-12', from: 'loyal', to: 'at_risk', changes: 2 },
      { week: '2026-01-12', from: 'repeat', to: 'at_risk', changes: 1 },
    ];
    expect(transitionSeries(rows, ['2026-01-05', '2026-01-12'])).toEqual([
      { stage: 'first_time', data: [7, 0] },
      { stage: 'repeat', data: [4, 0] },
      { stage: 'at_risk', data: [0, 3] },
    ]);
  });

  it('lays the R×F grid on 5 × 5 cells, empty cells zero', () => {
    const { data, max } = rfmHeatmap([
      { recency: 5, frequency: 5, customers: 120 },
      { recency: 1, frequency: 2, customers: 30 },
    ]);
    expect(data).toHaveLength(25);
    expect(data).toContainEqual([4, 4, 120]);
    expect(data).toContainEqual([1, 0, 30]);
    expect(data).toContainEqual([0, 0, 0]);
    expect(max).toBe(120);
  });

  it('turns cohorts into the share still buying each month after the first', () => {
    const heat = retentionHeatmap([
      { month: '2026-01', customers: 200, active: [200, 50, 25] },
      { month: '2026-02', customers: 3, active: [3, 1] },
    ]);
    expect(heat.months).toEqual(['2026-01', '2026-02']);
    expect(heat.offsets).toEqual([0, 1, 2]);
    expect(heat.data).toEqual([
      [0, 0, 100],
      [1, 0, 25],
      [2, 0, 12.5],
      [0, 1, 100],
      [1, 1, 33.3],
    ]);
  });

  it('bins probabilities, 1 in the last bin', () => {
    expect(histogram([0, 0.05, 0.5, 0.99, 1, Number.NaN], 10)).toEqual([2, 0, 0, 0, 0, 1, 0, 0, 0, 2]);
  });

  it('orders the backtest by week and rounds the forecasts to one decimal', () => {
    expect(
      backtestSeries([
        { weekStarting: '2026-02-09', actualOrders: 12, forecastOrders: 10.04, naiveOrders: 11.46 },
        { weekStarting: '2026-02-02', actualOrders: 9, forecastOrders: 9.96, naiveOrders: 11.46 },
      ]),
    ).toEqual({ weeks: ['2026-02-02', '2026-02-09'], actual: [9, 12], model: [10, 10], naive: [11.5, 11.5] });
  });
});
