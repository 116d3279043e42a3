import { currencyExponent } from '@journey/contracts';

// The exponents are the contracts' (which the console shares): amounts are stored in ISO 4217 minor units.
export { currencyExponent };

/** Amounts in other currencies converted to the base currency: units of base per unit of each. */
export interface CurrencyRates {
  readonly base: string;
  /** e.g. { USD: 0.92, GBP: 1.16 } for a EUR base; the base itself is 1. */
  readonly rates: Readonly<Record<string, number>>;
}

/**
 * Minor units of `currency` in minor units of the base, or undefined when no rate is known:
 * amount × rate × 10^(base exponent − currency exponent), since a rate is per major unit (¥10,000
 * at 0.0062 is 62.00 EUR, 6200 cents). Computed in decimal and rounded to the nearest minor unit,
 * halves away from zero, as PostgreSQL's numeric `round` does with `baseFactors`.
 */
export function toBase(amount: number, currency: string, rates: CurrencyRates): number | undefined {
  const factor = baseFactor(currency, rates);
  const value = decimal(amount);
  if (factor === undefined || value === undefined) return undefined;
  return Number(roundToInteger({ digits: value.digits * factor.digits, scale: value.scale + factor.scale }));
}

/**
 * What one minor unit of each currency with a rate is worth in minor units of the base, as exact
 * decimal text ({ EUR: '1', USD: '0.92', JPY: '0.62' } for a EUR base with USD=0.92, JPY=0.0062):
 * SQL that multiplies an amount by its factor and rounds the product converts as `toBase` does.
 */
export function baseFactors(rates: CurrencyRates): Record<string, string> {
  const factors: Record<string, string> = {};
  for (const currency of new Set([rates.base, ...Object.keys(rates.rates)])) {
    const factor = baseFactor(currency, rates);
    if (factor !== undefined) factors[currency] = decimalText(factor);
  }
  return factors;
}

/**
 * Revenue net of refunds in the base currency: in each currency with a rate, revenue and refunds
 * are converted apart and subtracted; the currencies without one are named, never summed.
 */
export function netInBase(revenue: Readonly<Record<string, number>>, refunds: Readonly<Record<string, number>>, rates: CurrencyRates): { net: number; unconverted: string[] } {
  let net = 0;
  const unconverted: string[] = [];
  for (const currency of [...new Set([...Object.keys(revenue), ...Object.keys(refunds)])].sort()) {
    const gross = toBase(revenue[currency] ?? 0, currency, rates);
    const back = toBase(refunds[currency] ?? 0, currency, rates);
    if (gross === undefined || back === undefined) unconverted.push(currency);
    else net += gross - back;
  }
  return { net, unconverted };
}

/** Adds an amount to a per-currency tally (a new object: states are immutable). */
export function addAmount(tally: Readonly<Record<string, number>>, currency: string, amount: number): Record<string, number> {
  return { ...tally, [currency]: (tally[currency] ?? 0) + amount };
}

/**
 * An amount in major units (19.99 EUR, as Segment's e-commerce spec sends it) in minor units
 * (1999), rounded to the nearest minor unit, halves away from zero; undefined when it is not a
 * finite number.
 */
export function toMinorUnits(amount: number, currency: string): number | undefined {
  // Shifted in decimal: 1.005 * 100 in floats is 100.49999999999999, and floats round 12345678901.23 * 100.
  const value = decimal(amount);
  return value === undefined ? undefined : Number(roundToInteger(shift(value, currencyExponent(currency))));
}

/** A decimal number: digits × 10^−scale, scale ≥ 0. */
interface Decimal {
  readonly digits: bigint;
  readonly scale: number;
}

const DECIMAL = /^(-?)(\d+)(?:\.(\d+))?(?:e([+-]\d+))?$/;

/** A finite number as the shortest decimal that reads back as it (what its sender wrote: 0.92, not the double's expansion). */
function decimal(value: number): Decimal | undefined {
  if (!Number.isFinite(value)) return undefined;
  const [, sign, whole, fraction = '', exponent = '0'] = DECIMAL.exec(String(value))!;
  return shift({ digits: BigInt(whole! + fraction) * (sign === '-' ? -1n : 1n), scale: fraction.length }, Number(exponent));
}

/** The number times 10^places. */
function shift(value: Decimal, places: number): Decimal {
  const scale = value.scale - places;
  return scale >= 0 ? { digits: value.digits, scale } : { digits: value.digits * 10n ** BigInt(-scale), scale: 0 };
}

/** The nearest integer, halves away from zero. */
function roundToInteger({ digits, scale }: Decimal): bigint {
  const unit = 10n ** BigInt(scale);
  const magnitude = digits < 0n ? -digits : digits;
  const rounded = magnitude / unit + (2n * (magnitude % unit) >= unit ? 1n : 0n);
  return digits < 0n ? -rounded : rounded;
}

/** Plain decimal text, without an exponent, as PostgreSQL's numeric reads it exactly. */
function decimalText({ digits, scale }: Decimal): string {
  const text = (digits < 0n ? -digits : digits).toString().padStart(scale + 1, '0');
  const unsigned = scale === 0 ? text : `${text.slice(0, -scale)}.${text.slice(-scale)}`;
  return digits < 0n ? `-${unsigned}` : unsigned;
}

/** The base value of one minor unit of `currency`: its rate shifted by the difference of the exponents. */
function baseFactor(currency: string, rates: CurrencyRates): Decimal | undefined {
  const rate = decimal(currency === rates.base ? 1 : rates.rates[currency] ?? Number.NaN);
  return rate === undefined ? undefined : shift(rate, currencyExponent(rates.base) - currencyExponent(currency));
}
