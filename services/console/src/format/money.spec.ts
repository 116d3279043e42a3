import fc from 'fast-check';
import { currencyExponent, formatCount, formatMoney, formatShare, majorText, minorUnits } from './money';

describe('money formatting', () => {
  it('divides minor units by the currency exponent and adds thousands separators', () => {
    expect(formatMoney(1234567, 'EUR', 'en')).toBe('€12,345.67');
    expect(formatMoney(1234567, 'USD', 'en-US')).toBe('$12,345.67');
  });

  it('knows currencies without minor units and with three decimals', () => {
    expect(currencyExponent('JPY')).toBe(0);
    expect(formatMoney(1234567, 'JPY', 'en')).toBe('¥1,234,567');
    expect(currencyExponent('KWD')).toBe(3);
    expect(formatMoney(1234567, 'KWD', 'en')).toMatch(/KWD\s?1,234\.567/);
  });

  it('reads minor units with the ISO 4217 exponent the engine stores them with, not the decimals Intl shows', () => {
    expect(['IDR', 'HUF', 'COP', 'LAK', 'ALL', 'LBP', 'IQD'].map(currencyExponent)).toEqual([2, 2, 2, 2, 2, 2, 3]);
    expect(formatMoney(150000, 'IDR', 'en')).toMatch(/1,500\.00/);
    expect(formatMoney(12500, 'IQD', 'en')).toMatch(/12\.500/);
    expect(minorUnits('1000', 'HUF')).toBe(100000);
    expect(majorText(100000, 'HUF')).toBe('1000.00');
  });

  it('follows the locale: Simplified Chinese keeps the separators and the currency', () => {
    expect(formatMoney(1234567, 'CNY', 'zh-CN')).toBe('¥12,345.67');
    expect(formatMoney(-50, 'EUR', 'zh-CN')).toBe('-€0.50');
  });

  it('counts and shares with separators, a dash for no share', () => {
    expect(formatCount(1000000, 'en')).toBe('1,000,000');
    expect(formatShare(0.1234, 'en')).toBe('12.3%');
    expect(formatShare(null, 'en')).toBe('—');
  });

  it('turns typed major units into minor units with the currency exponent, and back', () => {
    expect(minorUnits('1234.5', 'EUR')).toBe(123450);
    expect(minorUnits('1234', 'JPY')).toBe(1234);
    expect(minorUnits('1.234', 'KWD')).toBe(1234);
    expect(minorUnits('0.1', 'EUR')).toBe(10);
    expect(minorUnits('', 'EUR')).toBeUndefined();
    expect(minorUnits('12,5', 'EUR')).toBeUndefined();
    expect(majorText(123450, 'EUR')).toBe('1234.50');
    expect(majorText(-5, 'EUR')).toBe('-0.05');
    expect(majorText(1234, 'JPY')).toBe('1234');
    expect(majorText(1234, 'KWD')).toBe('1.234');
  });

  it('gives back the same minor units for any amount written as major units', () => {
    fc.assert(
      fc.property(fc.integer({ min: -1e12, max: 1e12 }), fc.constantFrom('EUR', 'JPY', 'KWD', 'CNY'), (minor, currency) => minorUnits(majorText(minor, currency), currency) === minor),
    );
  });
});
