/**
 * Each customer's purchase history as the models see it, in one time unit (the job uses weeks):
 * frequency = repeat purchases (all but the first), recency = age at the last purchase (from the
 * first), T = age now (from the first). Kept in columns so a million customers fit in a few
 * typed arrays; identical histories may be folded into one row with a weight.
 */
export interface PurchaseSummaries {
  readonly length: number;
  readonly frequency: Int32Array;
  readonly recency: Float64Array;
  readonly T: Float64Array;
  readonly weight: Float64Array;
}

export interface PurchaseSummary {
  readonly frequency: number;
  readonly recency: number;
  readonly T: number;
}

export function summariesOf(rows: readonly PurchaseSummary[]): PurchaseSummaries {
  const n = rows.length;
  const columns = { length: n, frequency: new Int32Array(n), recency: new Float64Array(n), T: new Float64Array(n), weight: new Float64Array(n).fill(1) };
  rows.forEach((row, i) => {
    columns.frequency[i] = row.frequency;
    columns.recency[i] = row.recency;
    columns.T[i] = row.T;
  });
  return columns;
}

/** Folds identical (frequency, recency, T) rows into one weighted row: the likelihood is the same, its cost lower. */
export function compressSummaries(data: PurchaseSummaries): PurchaseSummaries {
  const index = new Map<string, number>();
  const frequency: number[] = [];
  const recency: number[] = [];
  const T: number[] = [];
  const weight: number[] = [];
  for (let i = 0; i < data.length; i++) {
    const key = `${data.frequency[i]}|${data.recency[i]}|${data.T[i]}`;
    const at = index.get(key);
    if (at !== undefined) {
      weight[at] = weight[at]! + data.weight[i]!;
      continue;
    }
    index.set(key, frequency.length);
    frequency.push(data.frequency[i]!);
    recency.push(data.recency[i]!);
    T.push(data.T[i]!);
    weight.push(data.weight[i]!);
  }
  return {
    length: frequency.length,
    frequency: Int32Array.from(frequency),
    recency: Float64Array.from(recency),
    T: Float64Array.from(T),
    weight: Float64Array.from(weight),
  };
}

/** Checks what the likelihoods assume: integer frequency ≥ 0, 0 ≤ recency ≤ T, recency 0 when frequency is. */
export function invalidSummary(s: PurchaseSummary): string | undefined {
  if (!Number.isInteger(s.frequency) || s.frequency < 0) return 'frequency must be an integer ≥ 0';
  if (!(s.T >= 0) || !(s.recency >= 0) || s.recency > s.T) return 'need 0 ≤ recency ≤ T';
  if (s.frequency === 0 && s.recency !== 0) return 'recency must be 0 without repeat purchases';
  return undefined;
}
