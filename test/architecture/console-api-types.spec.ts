import type { CustomerPredictions } from '@journey/domain';
import type { CustomerDetail } from '../../services/console/src/api/types';

/** What GET /v1/customers/{id} sends for a scored customer (the domain's type, so tsc checks the console's copy). */
const sent: CustomerPredictions = {
  fitId: 'fit-1',
  scoredAt: '2025-03-01T00:00:00.000Z',
  pAlive: 0.8,
  churnRisk: 0.2,
  churnBand: 'low',
  expectedPurchases30d: 0.4,
  expectedPurchases90d: 1.1,
  expectedPurchases365d: 3.9,
  expectedAov: 4999,
  clv: 15400,
  currency: 'EUR',
  recommendations: ['SKU-1'],
};

// The console bundles no server code: its copy of the API's types must name what the API sends.
describe("the console's types of the API's answers", () => {
  it("reads a customer's predictions under the names the API gives them", () => {
    // A console type asking for a field the API does not send fails to compile here.
    const read: NonNullable<CustomerDetail['predictions']> = sent;
    expect(read.clv).toBe(15400);
  });
});
