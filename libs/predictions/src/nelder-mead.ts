/** Where a minimisation ended: the point, its value, and how it got there. */
export interface Minimum {
  readonly x: readonly number[];
  readonly value: number;
  readonly iterations: number;
  readonly evaluations: number;
  readonly converged: boolean;
}

export interface NelderMeadOptions {
  /** Stop when the simplex's values and points differ by less than this (default 1e-10). */
  readonly tolerance?: number;
  readonly maxIterations?: number;
  /** The first simplex's edge along each axis (default 0.5: the models search in log space). */
  readonly step?: number;
  readonly onIteration?: (iteration: number, best: number) => void;
}

/**
 * Minimises f by the Nelder–Mead simplex with the adaptive coefficients of Gao & Han (2012),
 * which keep it effective beyond two or three dimensions. Derivative-free: the likelihoods are
 * smooth, but their gradients in the hypergeometric terms are not worth their cost here.
 */
export function nelderMead(f: (x: readonly number[]) => number, start: readonly number[], options: NelderMeadOptions = {}): Minimum {
  const n = start.length;
  const tolerance = options.tolerance ?? 1e-10;
  const maxIterations = options.maxIterations ?? 2000 * n;
  const step = options.step ?? 0.5;
  const alpha = 1;
  const beta = 1 + 2 / n;
  const gamma = 0.75 - 1 / (2 * n);
  const delta = 1 - 1 / n;
  let evaluations = 0;
  const value = (x: readonly number[]): number => {
    evaluations++;
    const v = f(x);
    return Number.isNaN(v) ? Infinity : v;
  };

  const points: number[][] = [start.slice()];
  for (let i = 0; i < n; i++) {
    const p = start.slice();
    p[i] = p[i]! + step;
    points.push(p);
  }
  let values = points.map(value);
  const along = (from: readonly number[], to: readonly number[], t: number): number[] => from.map((v, i) => v + t * (to[i]! - v));

  let iteration = 0;
  let converged = false;
  for (; iteration < maxIterations; iteration++) {
    const order = values.map((_, i) => i).sort((i, j) => values[i]! - values[j]!);
    const sorted = order.map((i) => points[i]!);
    values = order.map((i) => values[i]!);
    points.splice(0, points.length, ...sorted);
    options.onIteration?.(iteration, values[0]!);

    const spread = Math.abs(values[n]! - values[0]!);
    let size = 0;
    for (let i = 1; i <= n; i++) for (let j = 0; j < n; j++) size = Math.max(size, Math.abs(points[i]![j]! - points[0]![j]!));
    if (spread <= tolerance * (1 + Math.abs(values[0]!)) && size <= Math.sqrt(tolerance)) {
      converged = true;
      break;
    }

    const centroid = new Array<number>(n).fill(0);
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) centroid[j] = centroid[j]! + points[i]![j]! / n;
    const worst = points[n]!;
    const reflected = along(centroid, worst, -alpha);
    const fr = value(reflected);
    if (fr < values[0]!) {
      const expanded = along(centroid, worst, -alpha * beta);
      const fe = value(expanded);
      [points[n], values[n]] = fe < fr ? [expanded, fe] : [reflected, fr];
      continue;
    }
    if (fr < values[n - 1]!) {
      [points[n], values[n]] = [reflected, fr];
      continue;
    }
    const outside = fr < values[n]!;
    const contracted = outside ? along(centroid, reflected, gamma) : along(centroid, worst, gamma);
    const fc = value(contracted);
    if (fc < (outside ? fr : values[n]!)) {
      [points[n], values[n]] = [contracted, fc];
      continue;
    }
    for (let i = 1; i <= n; i++) {
      points[i] = along(points[0]!, points[i]!, delta);
      values[i] = value(points[i]!);
    }
  }
  const best = values.indexOf(Math.min(...values));
  return { x: points[best]!, value: values[best]!, iterations: iteration, evaluations, converged };
}
