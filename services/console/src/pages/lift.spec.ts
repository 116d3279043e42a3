import { liftInterval } from './lift';

describe('lift interval', () => {
  it('is the Wald 95% interval of treated minus holdout conversion', () => {
    const interval = liftInterval({ dispatched: 1000, converted: 120, holdout: 1000, holdoutConverted: 100 })!;
    // p1 = 0.12, p0 = 0.10, se = sqrt(.12·.88/1000 + .1·.9/1000) ≈ 0.013986
    expect(interval.low).toBeCloseTo(0.02 - 1.96 * 0.013986, 4);
    expect(interval.high).toBeCloseTo(0.02 + 1.96 * 0.013986, 4);
  });

  it('has none without a holdout or without dispatches', () => {
    expect(liftInterval({ dispatched: 10, converted: 1, holdout: 0, holdoutConverted: 0 })).toBeUndefined();
    expect(liftInterval({ dispatched: 0, converted: 0, holdout: 5, holdoutConverted: 1 })).toBeUndefined();
  });
});
