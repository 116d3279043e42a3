import { readFileSync } from 'node:fs';

/** The resident set of a process in MiB, from /proc (Linux); undefined once it is gone. */
export function rssMiB(pid: number): number | undefined {
  try {
    const match = /^VmRSS:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) / 1024 : undefined;
  } catch {
    return undefined;
  }
}

export type Lags = Record<string, { readonly events: number; readonly seconds: number }>;

/** Each consumer's lag as the engine's /health shows it; undefined while it does not answer. */
export async function healthLag(url: string): Promise<Lags | undefined> {
  try {
    const response = await fetch(`${url}/health`, { signal: AbortSignal.timeout(30_000) });
    if (response.status !== 200) return undefined;
    return ((await response.json()) as { lag?: Lags }).lag;
  } catch {
    return undefined;
  }
}

/** The largest lag in events over the given consumers (all when none are named). */
export function maxLagEvents(lags: Lags, consumers?: readonly string[]): number {
  return Math.max(0, ...Object.entries(lags).filter(([name]) => !consumers || consumers.includes(name)).map(([, lag]) => lag.events));
}

export interface Sample {
  /** Seconds since sampling started. */
  readonly at: number;
  readonly rssMiB: number;
  readonly lagEvents: number;
}

/** The mean of a series, and the means of its first and last thirds. */
export function thirds(values: readonly number[]): { first: number; last: number; all: number } {
  const mean = (xs: readonly number[]) => xs.reduce((sum, x) => sum + x, 0) / Math.max(1, xs.length);
  const third = Math.floor(values.length / 3);
  return { first: mean(values.slice(0, third)), last: mean(values.slice(values.length - third)), all: mean(values) };
}
