/** Amounts in other currencies converted to the base currency: units of base per unit of each. */
export interface CurrencyRates {
  readonly base: string;
  /** e.g. { USD: 0.92, GBP: 1.16 } for a EUR base; the base itself is 1. */
  readonly rates: Readonly<Record<string, number>>;
}

/** Minor units of `currency` in minor units of the base, or undefined when no rate is known. */
export function toBase(amount: number, currency: string, rates: CurrencyRates): number | undefined {
  if (currency === rates.base) return amount;
  const rate = rates.rates[currency];
  return rate === undefined ? undefined : Math.round(amount * rate);
}

/** Adds an amount to a per-currency tally (a new object: states are immutable). */
export function addAmount(tally: Readonly<Record<string, number>>, currency: string, amount: number): Record<string, number> {
  return { ...tally, [currency]: (tally[currency] ?? 0) + amount };
}

/** ISO 4217 currencies whose minor unit is not the hundredth (the rest have two decimals). */
const EXPONENTS: Readonly<Record<string, number>> = {
  BIF: 0, CLP: 0, DJF: 0, GNF: 0, ISK: 0, JPY: 0, KMF: 0, KRW: 0, PYG: 0, RWF: 0, UGX: 0, UYI: 0, VND: 0, VUV: 0, XAF: 0, XOF: 0, XPF: 0,
  BHD: 3, IQD: 3, JOD: 3, KWD: 3, LYD: 3, OMR: 3, TND: 3,
  CLF: 4, UYW: 4,
};

/** How many decimals the currency's minor unit has (ISO 4217): JPY 0, EUR 2, KWD 3. */
export function currencyExponent(currency: string): number {
  return EXPONENTS[currency] ?? 2;
}

const DECIMAL = /^(-?)(\d+)(?:\.(\d+))?(?:e([+-]\d+))?$/;

/**
 * An amount in major units (19.99 EUR, as Segment's e-commerce spec sends it) in minor units
 * (1999), rounded to the nearest minor unit, halves away from zero; undefined when it is not a
 * finite number.
 */
export function toMinorUnits(amount: number, currency: string): number | undefined {
  if (!Number.isFinite(amount)) return undefined;
  // The shortest decimal that reads back as this double (what the sender wrote), shifted in
  // decimal: 1.005 * 100 in floats is 100.49999999999999, and floats round 12345678901.23 * 100.
  const [, sign, whole, fraction = '', exponent = '0'] = DECIMAL.exec(String(amount))!;
  const digits = BigInt(whole! + fraction);
  const shift = currencyExponent(currency) + Number(exponent) - fraction.length;
  let minor: bigint;
  if (shift >= 0) minor = digits * 10n ** BigInt(shift);
  else {
    const unit = 10n ** BigInt(-shift);
    minor = digits / unit + (2n * (digits % unit) >= unit ? 1n : 0n);
  }
  return Number(sign === '-' ? -minor : minor);
}
