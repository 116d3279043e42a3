import { currencyExponent } from '../../../../contracts/src/currencies';

// The engine stores money in minor units of the ISO 4217 exponent (not the decimals Intl shows): one table for both.
export { currencyExponent };

/** An amount in integer minor units, shown in its currency with the locale's separators: 1234567 EUR → €12,345.67. */
export function formatMoney(minor: number, currency: string, locale: string): string {
  const exponent = currencyExponent(currency);
  const major = minor / 10 ** exponent;
  try {
    return new Intl.NumberFormat(locale, { style: 'currency', currency, minimumFractionDigits: exponent, maximumFractionDigits: exponent }).format(major);
  } catch {
    return `${new Intl.NumberFormat(locale, { minimumFractionDigits: exponent, maximumFractionDigits: exponent }).format(major)} ${currency}`;
  }
}

/** An integer count with the locale's thousands separators. */
export function formatCount(value: number, locale: string): string {
  return new Intl.NumberFormat(locale, { maximumFractionDigits: 0 }).format(value);
}

/** A share 0–1 as a percentage with one decimal, or a dash when there is none. */
export function formatShare(value: number | null | undefined, locale: string): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return '—';
  return new Intl.NumberFormat(locale, { style: 'percent', minimumFractionDigits: 1, maximumFractionDigits: 1 }).format(value);
}

/** Minor units as the plain major-unit text an input holds, exact to the currency's exponent: 123450 EUR → "1234.50". */
export function majorText(minor: number, currency: string): string {
  const exponent = currencyExponent(currency);
  const digits = Math.abs(minor).toString().padStart(exponent + 1, '0');
  const sign = minor < 0 ? '-' : '';
  return exponent === 0 ? `${sign}${digits}` : `${sign}${digits.slice(0, -exponent)}.${digits.slice(-exponent)}`;
}

/** Major-unit text typed into an input as integer minor units of the currency ("1234.5" EUR → 123450), or undefined when it is no number. */
export function minorUnits(text: string, currency: string): number | undefined {
  if (!/^\s*-?(\d+\.?\d*|\.\d+)\s*$/.test(text)) return undefined;
  return Math.round(Number(text) * 10 ** currencyExponent(currency));
}
