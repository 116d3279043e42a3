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
