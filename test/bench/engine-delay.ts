import type { EngineProcess } from '../support/engine-process';

/** Cumulative bucket counts by upper bound (`+Inf` last), as Prometheus exposes a histogram. */
export type Buckets = ReadonlyMap<number, number>;

const DELAY_BUCKET = /^journey_projection_delay_seconds_bucket\{le="([^"]+)"\} (\d+(?:\.\d+)?)$/;

/**
 * The customer pass's delay per event (recorded → folded in the 360), as the engines' histogram
 * `journey_projection_delay_seconds` counts it so far, summed over the engines.
 */
export async function passDelays(engines: readonly EngineProcess[]): Promise<Buckets> {
  const sum = new Map<number, number>();
  for (const engine of engines) {
    const response = await fetch(`${engine.url}/metrics`, { headers: engine.headers() });
    if (!response.ok) throw new Error(`reading ${engine.url}/metrics: ${response.status}`);
    for (const line of (await response.text()).split('\n')) {
      const match = DELAY_BUCKET.exec(line);
      if (!match) continue;
      const le = match[1] === '+Inf' ? Number.POSITIVE_INFINITY : Number(match[1]);
      sum.set(le, (sum.get(le) ?? 0) + Number(match[2]));
    }
  }
  return new Map([...sum].sort(([a], [b]) => a - b));
}

/**
 * The q-quantile of what was counted between two readings of a histogram, interpolated linearly
 * within its bucket (as PromQL's histogram_quantile); the highest finite bound when it falls in
 * the last bucket, undefined when nothing was counted.
 */
export function quantileBetween(before: Buckets, after: Buckets, q: number): number | undefined {
  const bounds = [...after.keys()];
  const counts = bounds.map((le) => after.get(le)! - (before.get(le) ?? 0));
  const total = counts[counts.length - 1] ?? 0;
  if (total <= 0) return undefined;
  const rank = q * total;
  let lower = 0;
  let below = 0;
  for (let i = 0; i < bounds.length; i++) {
    const upper = bounds[i]!;
    if (counts[i]! >= rank) {
      if (upper === Number.POSITIVE_INFINITY) return lower;
      const inBucket = counts[i]! - below;
      return inBucket === 0 ? upper : lower + ((upper - lower) * (rank - below)) / inBucket;
    }
    lower = upper;
    below = counts[i]!;
  }
  return lower;
}
