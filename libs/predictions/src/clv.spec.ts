import { expectedPurchases } from './bg-nbd';
import { customerLifetimeValue } from './clv';

const params = { r: 0.243, alpha: 4.414, a: 0.793, b: 2.426 };
const customer = { frequency: 2, recency: 30.43, T: 38.86 };
const weeksPerMonth = 365.25 / 12 / 7;

describe('12-month CLV', () => {
  it('without discounting is the expected purchases of the year times the order value', () => {
    const clv = customerLifetimeValue(params, customer, 24.66, { annualDiscountRate: 0, unitsPerMonth: weeksPerMonth });
    expect(clv).toBeCloseTo(expectedPurchases(params, customer, 12 * weeksPerMonth) * 24.66, 9);
  });

  it('discounts each month at the monthly rate of the annual one, checked by hand', () => {
    const rate = 0.1;
    const monthly = Math.pow(1.1, 1 / 12) - 1;
    let hand = 0;
    for (let m = 1; m <= 12; m++) {
      const inMonth = expectedPurchases(params, customer, m * weeksPerMonth) - expectedPurchases(params, customer, (m - 1) * weeksPerMonth);
      hand += (inMonth * 50) / (1 + monthly) ** m;
    }
    const clv = customerLifetimeValue(params, customer, 50, { annualDiscountRate: rate, unitsPerMonth: weeksPerMonth });
    expect(clv).toBeCloseTo(hand, 9);
    expect(clv).toBeLessThan(customerLifetimeValue(params, customer, 50, { annualDiscountRate: 0, unitsPerMonth: weeksPerMonth }));
    // E[Y(52.18 weeks)] for this customer is 1.5676… (the 39-week value 1.226 of the paper, extended): about 78 undiscounted.
    expect(clv).toBeGreaterThan(70);
    expect(clv).toBeLessThan(78.5);
  });
});
