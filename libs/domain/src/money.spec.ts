import { baseFactors, currencyExponent, netInBase, toBase, toMinorUnits } from './money';

describe('minor units by the ISO 4217 exponent', () => {
  it('knows the currencies without cents and those with three decimals', () => {
    expect(currencyExponent('EUR')).toBe(2);
    expect(currencyExponent('JPY')).toBe(0);
    expect(currencyExponent('KWD')).toBe(3);
    expect(currencyExponent('CLF')).toBe(4);
  });

  it('turns major units into minor units without float noise', () => {
    expect(toMinorUnits(19.99, 'EUR')).toBe(1999);
    expect(toMinorUnits(1.005, 'USD')).toBe(101);
    expect(toMinorUnits(0.29, 'USD')).toBe(29);
    expect(toMinorUnits(1200, 'JPY')).toBe(1200);
    expect(toMinorUnits(1.234, 'KWD')).toBe(1234);
  });

  it('keeps every digit of a large amount a double holds exactly enough', () => {
    // Rials and rupiahs have two decimals in ISO 4217: such totals are ordinary purchases there.
    expect(toMinorUnits(12_345_678_901.23, 'IRR')).toBe(1_234_567_890_123);
    expect(toMinorUnits(99_999_999_999.99, 'IDR')).toBe(9_999_999_999_999);
    expect(toMinorUnits(10_000_000_000.05, 'USD')).toBe(1_000_000_000_005);
    expect(toMinorUnits(1e21, 'EUR')).toBe(1e23);
  });

  it('rounds halves away from zero, and drops the noise of float arithmetic', () => {
    expect(toMinorUnits(0.005, 'EUR')).toBe(1);
    expect(toMinorUnits(0.0049, 'EUR')).toBe(0);
    expect(toMinorUnits(-1.005, 'EUR')).toBe(-101);
    expect(toMinorUnits(0.1 + 0.2, 'EUR')).toBe(30);
    expect(toMinorUnits(1e-7, 'EUR')).toBe(0);
    expect(toMinorUnits(0.5, 'JPY')).toBe(1);
  });

  it('rounds amounts finer than the minor unit and refuses what is not a number', () => {
    expect(toMinorUnits(10.499, 'EUR')).toBe(1050);
    expect(toMinorUnits(Number.NaN, 'EUR')).toBeUndefined();
    expect(toMinorUnits(Number.POSITIVE_INFINITY, 'EUR')).toBeUndefined();
  });
});

describe('amounts in the base currency', () => {
  const euro = { base: 'EUR', rates: { USD: 0.92, JPY: 0.0062, KWD: 2.8 } };

  it('converts minor units by the rate per major unit, whatever the exponents', () => {
    expect(toBase(10_000, 'USD', euro)).toBe(9200);
    // ¥10,000 (no minor unit) is 62.00 EUR; 1.000 KWD (1000 fils) is 2.80 EUR.
    expect(toBase(10_000, 'JPY', euro)).toBe(6200);
    expect(toBase(1000, 'KWD', euro)).toBe(280);
    expect(toBase(250, 'EUR', { base: 'JPY', rates: { EUR: 160 } })).toBe(400);
    expect(toBase(12_345, 'EUR', euro)).toBe(12_345);
  });

  it('rounds each conversion to the nearest minor unit, halves away from zero, in decimal', () => {
    // 90 × 0.35 is 31.5, but 31.499999999999996 in floats.
    expect(toBase(90, 'GBP', { base: 'EUR', rates: { GBP: 0.35 } })).toBe(32);
    expect(toBase(10_001, 'USD', euro)).toBe(9201);
    expect(toBase(-90, 'GBP', { base: 'EUR', rates: { GBP: 0.35 } })).toBe(-32);
  });

  it('knows no amount in a currency without a rate', () => {
    expect(toBase(100, 'CHF', euro)).toBeUndefined();
  });

  it('gives SQL the value of a minor unit of each currency as exact decimal text', () => {
    expect(baseFactors(euro)).toEqual({ EUR: '1', USD: '0.92', JPY: '0.62', KWD: '0.28' });
    expect(baseFactors({ base: 'JPY', rates: { EUR: 160, KWD: 480.5, USD: 1e-7 } })).toEqual({ JPY: '1', EUR: '1.60', KWD: '0.4805', USD: '0.000000001' });
  });

  it('nets revenue and refunds per currency, a refund in a currency without purchases too', () => {
    expect(netInBase({ EUR: 5000 }, { USD: 1000 }, euro)).toEqual({ net: 4080, unconverted: [] });
    expect(netInBase({ USD: 10_001, CHF: 700 }, { USD: 1, EUR: 100 }, euro)).toEqual({ net: 9201 - 1 - 100, unconverted: ['CHF'] });
  });
});
