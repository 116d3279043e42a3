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
