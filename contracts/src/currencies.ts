// Imports nothing: the console bundles this file, and no server code with it.

/** ISO 4217 currencies whose minor unit is not the hundredth (the rest have two decimals). */
const EXPONENTS: Readonly<Record<string, number>> = {
  BIF: 0, CLP: 0, DJF: 0, GNF: 0, ISK: 0, JPY: 0, KMF: 0, KRW: 0, PYG: 0, RWF: 0, UGX: 0, UYI: 0, VND: 0, VUV: 0, XAF: 0, XOF: 0, XPF: 0,
  BHD: 3, IQD: 3, JOD: 3, KWD: 3, LYD: 3, OMR: 3, TND: 3,
  CLF: 4, UYW: 4,
};

/** How many decimals the currency's minor unit has (ISO 4217): JPY 0, EUR 2, KWD 3; amounts are stored in these minor units. */
export function currencyExponent(currency: string): number {
  return EXPONENTS[currency] ?? 2;
}
