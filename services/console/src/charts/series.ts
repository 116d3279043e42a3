import { currencyExponent } from '../format/money';

/** The lifecycle in the order a customer moves through it (the engine's LIFECYCLE_STAGES). */
export const STAGE_ORDER = ['prospect', 'first_time', 'repeat', 'loyal', 'at_risk', 'churned', 'reactivated'] as const;

export interface NamedValue {
  readonly name: string;
  readonly value: number;
}

/** Customers per stage (`key` as the engine names it), in lifecycle order, then any stage the engine added, named by `label`. */
export function funnelSeries(stages: Readonly<Record<string, number>>, label: (stage: string) => string): Array<NamedValue & { key: string }> {
  const known = STAGE_ORDER.filter((stage) => stage in stages);
  const others = Object.keys(stages).filter((stage) => !(STAGE_ORDER as readonly string[]).includes(stage)).sort();
  return [...known, ...others].map((stage) => ({ key: stage, name: label(stage), value: stages[stage] ?? 0 }));
}

export interface WeeklySales {
  readonly week: string;
  readonly currency: string;
  readonly orders: number;
  readonly revenue: number;
  readonly refunds: number;
}

/** Weeks on the x axis, orders and net revenue (major units) of one currency; a missing week is zero. */
export function weeklySalesSeries(rows: readonly WeeklySales[], weeks: readonly string[], currency: string): { orders: number[]; revenue: number[] } {
  const scale = 10 ** currencyExponent(currency);
  const byWeek = new Map(rows.filter((row) => row.currency === currency).map((row) => [row.week, row]));
  return {
    orders: weeks.map((week) => byWeek.get(week)?.orders ?? 0),
    revenue: weeks.map((week) => ((byWeek.get(week)?.revenue ?? 0) - (byWeek.get(week)?.refunds ?? 0)) / scale),
  };
}

/** The currency with the most orders: the one the chart opens on. */
export function mainCurrency(rows: readonly WeeklySales[]): string | undefined {
  const orders = new Map<string, number>();
  for (const row of rows) orders.set(row.currency, (orders.get(row.currency) ?? 0) + row.orders);
  return [...orders].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))[0]?.[0];
}

export interface WeeklyTransition {
  readonly week: string;
  readonly from: string;
  readonly to: string;
  readonly changes: number;
}

/** One stacked series per destination stage: the changes into it each week. */
export function transitionSeries(rows: readonly WeeklyTransition[], weeks: readonly string[]): Array<{ stage: string; data: number[] }> {
  const byStage = new Map<string, Map<string, number>>();
  for (const row of rows) {
    const weeksOf = byStage.get(row.to) ?? new Map<string, number>();
    weeksOf.set(row.week, (weeksOf.get(row.week) ?? 0) + row.changes);
    byStage.set(row.to, weeksOf);
  }
  const order = (stage: string): number => {
    const index = (STAGE_ORDER as readonly string[]).indexOf(stage);
    return index < 0 ? STAGE_ORDER.length : index;
  };
  return [...byStage.keys()].sort((a, b) => order(a) - order(b) || a.localeCompare(b)).map((stage) => ({ stage, data: weeks.map((week) => byStage.get(stage)!.get(week) ?? 0) }));
}

/** Every Monday (UTC, YYYY-MM-DD) from the week of `from` to the week of `to`. */
export function weeksBetween(from: string, to: string): string[] {
  const monday = (iso: string): Date => {
    const date = new Date(`${iso.slice(0, 10)}T00:00:00Z`);
    date.setUTCDate(date.getUTCDate() - ((date.getUTCDay() + 6) % 7));
    return date;
  };
  const weeks: string[] = [];
  for (let at = monday(from), end = monday(to); at <= end; at.setUTCDate(at.getUTCDate() + 7)) weeks.push(at.toISOString().slice(0, 10));
  return weeks;
}

export interface GridCell {
  readonly recency: number;
  readonly frequency: number;
  readonly customers: number;
}

/** Heat-map cells [frequency − 1, recency − 1, customers] over the 5 × 5 scores, and the largest cell. */
export function rfmHeatmap(grid: readonly GridCell[]): { data: Array<[number, number, number]>; max: number } {
  const cells = new Map(grid.map((cell) => [`${cell.recency}:${cell.frequency}`, cell.customers]));
  const data: Array<[number, number, number]> = [];
  for (let recency = 1; recency <= 5; recency++) {
    for (let frequency = 1; frequency <= 5; frequency++) data.push([frequency - 1, recency - 1, cells.get(`${recency}:${frequency}`) ?? 0]);
  }
  return { data, max: Math.max(0, ...data.map((cell) => cell[2])) };
}

export interface Cohort {
  readonly month: string;
  readonly customers: number;
  readonly active: readonly number[];
}

/** Heat-map cells [months after, cohort row, share of the cohort still buying] (percent, one decimal). */
export function retentionHeatmap(cohorts: readonly Cohort[]): { months: string[]; offsets: number[]; data: Array<[number, number, number]> } {
  const width = Math.max(0, ...cohorts.map((cohort) => cohort.active.length));
  const data: Array<[number, number, number]> = [];
  cohorts.forEach((cohort, row) => {
    cohort.active.forEach((active, offset) => {
      if (cohort.customers > 0) data.push([offset, row, Math.round((active / cohort.customers) * 1000) / 10]);
    });
  });
  return { months: cohorts.map((cohort) => cohort.month), offsets: Array.from({ length: width }, (_, index) => index), data };
}

/** Counts of values in `bins` equal bins over [0, 1] (1 falls in the last bin). */
export function histogram(values: readonly number[], bins: number): number[] {
  const counts = new Array<number>(bins).fill(0);
  for (const value of values) {
    if (!Number.isFinite(value)) continue;
    counts[Math.min(bins - 1, Math.max(0, Math.floor(value * bins)))]! += 1;
  }
  return counts;
}

export interface BacktestWeek {
  readonly weekStarting: string;
  readonly actualOrders: number;
  readonly forecastOrders: number;
  readonly naiveOrders: number;
}

/** The backtest's holdout weeks: actual orders beside the model's and the naive baseline's, one decimal. */
export function backtestSeries(weeks: readonly BacktestWeek[]): { weeks: string[]; actual: number[]; model: number[]; naive: number[] } {
  const round = (value: number): number => Math.round(value * 10) / 10;
  const sorted = [...weeks].sort((a, b) => a.weekStarting.localeCompare(b.weekStarting));
  return {
    weeks: sorted.map((week) => week.weekStarting),
    actual: sorted.map((week) => week.actualOrders),
    model: sorted.map((week) => round(week.forecastOrders)),
    naive: sorted.map((week) => round(week.naiveOrders)),
  };
}
