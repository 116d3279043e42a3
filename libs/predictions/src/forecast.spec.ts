import { expectedPurchases, expectedPurchasesNewCustomer, fitBgNbd } from './bg-nbd';
import { forecastError, forecastSales } from './forecast';
import { summariesOf } from './purchase-summary';
import { seededRandom, simulateBgNbd } from './simulate';

const params = { r: 0.243, alpha: 4.414, a: 0.793, b: 2.426 };

describe('the weekly sales forecast', () => {
  it('sums to the expected purchases of the existing customers and adds the new ones week by week', () => {
    const customers = [
      { frequency: 2, recency: 30.43, T: 38.86, monetary: 2000 },
      { frequency: 0, recency: 0, T: 10, monetary: 0 },
      { frequency: 2, recency: 30.43, T: 38.86, monetary: 2000 },
    ];
    const forecast = forecastSales(params, customers, () => 1000, { perWeek: 10, orderValue: 500 }, 13);
    const existing = forecast.existingOrders.reduce((s, v) => s + v, 0);
    const expected = customers.reduce((s, c) => s + expectedPurchases(params, c, 13), 0);
    expect(existing).toBeCloseTo(expected, 10);
    // Week 1: ten first purchases, and their repeats within half a week.
    expect(forecast.newOrders[0]).toBeCloseTo(10 + 10 * expectedPurchasesNewCustomer(params, 0.5), 10);
    // By week 13: 130 first purchases plus each cohort's repeats.
    let repeats = 0;
    for (let j = 1; j <= 13; j++) repeats += 10 * expectedPurchasesNewCustomer(params, 13 - j + 0.5);
    expect(forecast.newOrders.reduce((s, v) => s + v, 0)).toBeCloseTo(130 + repeats, 8);
    expect(forecast.revenue[0]).toBeCloseTo(forecast.existingOrders[0]! * 1000 + forecast.newOrders[0]! * 500, 6);
  });

  it('MAPE per week and of the total, leaving out weeks without orders', () => {
    const error = forecastError([110, 90, 5], [100, 100, 0]);
    expect(error.perWeek).toEqual([0.1, 0.1, null]);
    expect(error.mape).toBeCloseTo(0.1, 12);
    expect(error.totalError).toBeCloseTo(0.025, 12);
  });

  it('on a simulated shop, the holdout’s 26-week total is within 5 % of what the fitted model forecasts', () => {
    const random = seededRandom(3);
    const ages = Array.from({ length: 10_000 }, () => 1 + random() * 77);
    const population = simulateBgNbd({ r: 0.25, alpha: 4.4, a: 0.8, b: 2.4 }, ages, 4, { horizon: 26 });
    const fit = fitBgNbd(summariesOf(population));
    const forecast = forecastSales(fit.params, population.map((c) => ({ ...c, monetary: 0 })), () => 1, { perWeek: 0, orderValue: 0 }, 26);
    const predicted = forecast.orders.reduce((s, v) => s + v, 0);
    const actual = population.reduce((s, c) => s + c.future, 0);
    expect(Math.abs(predicted - actual) / actual).toBeLessThan(0.05);
  });
});
