import { hyp2f1, lnBeta, lnGamma, logAddExp, SeriesDivergedError } from './special-functions';

describe('special functions against known values', () => {
  it('log-gamma matches factorials, Γ(1/2) = √π and Stirling far out', () => {
    expect(lnGamma(1)).toBeCloseTo(0, 14);
    expect(lnGamma(2)).toBeCloseTo(0, 14);
    expect(lnGamma(11)).toBeCloseTo(Math.log(3628800), 11);
    expect(lnGamma(0.5)).toBeCloseTo(0.5 * Math.log(Math.PI), 13);
    expect(lnGamma(0.001)).toBeCloseTo(6.907178885383853, 11);
    // ln Γ(1e6) = 12815504.5691476 (Stirling series; its correction below 1e-7 at this size).
    expect(lnGamma(1e6) / 12815504.56914761).toBeCloseTo(1, 14);
  });

  it('log-beta is B(a, b) = Γ(a)Γ(b)/Γ(a+b)', () => {
    expect(lnBeta(2, 3)).toBeCloseTo(Math.log(1 / 12), 13);
    expect(lnBeta(0.5, 0.5)).toBeCloseTo(Math.log(Math.PI), 13);
  });

  it('log-add-exp survives arguments whose exponentials overflow or vanish', () => {
    expect(logAddExp(1000, 1000)).toBeCloseTo(1000 + Math.log(2), 10);
    expect(logAddExp(-1000, -1001)).toBeCloseTo(-1000 + Math.log1p(Math.exp(-1)), 10);
    expect(logAddExp(-Infinity, 3)).toBe(3);
  });

  it('2F1 matches its closed forms', () => {
    // 2F1(1, 1; 2; z) = −ln(1−z)/z
    expect(hyp2f1(1, 1, 2, 0.5)).toBeCloseTo(-Math.log(0.5) / 0.5, 13);
    // 2F1(a, b; b; z) = (1−z)^−a
    expect(hyp2f1(2.5, 3, 3, 0.9)).toBeCloseTo(Math.pow(0.1, -2.5), 8);
    // 2F1(1/2, 1/2; 3/2; z²) = arcsin(z)/z
    expect(hyp2f1(0.5, 0.5, 1.5, 0.64)).toBeCloseTo(Math.asin(0.8) / 0.8, 12);
    expect(hyp2f1(-3, 2, 5, 0.7)).toBeCloseTo(1 - (3 * 2 * 0.7) / 5 + (3 * 2 * 2 * 3 * 0.49) / (5 * 6 * 2) - (3 * 2 * 1 * 2 * 3 * 4 * 0.343) / (5 * 6 * 7 * 6), 13);
  });

  it('2F1 refuses |z| ≥ 1, where the series diverges', () => {
    expect(() => hyp2f1(1, 1, 2, 1)).toThrow(SeriesDivergedError);
  });
});
