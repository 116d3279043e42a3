import { currencyExponent, toMinorUnits } from './money';

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

  it('rounds amounts finer than the minor unit and refuses what is not a number', () => {
    expect(toMinorUnits(10.499, 'EUR')).toBe(1050);
    expect(toMinorUnits(Number.NaN, 'EUR')).toBeUndefined();
    expect(toMinorUnits(Number.POSITIVE_INFINITY, 'EUR')).toBeUndefined();
  });
});
