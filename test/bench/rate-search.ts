/** One offered rate held for a while: what was accepted, and whether the lag stayed under its bound. */
export interface RateStep {
  /** Events per second the generator offered. */
  readonly offered: number;
  /** Events per second the engine accepted (2xx). */
  readonly accepted: number;
  /** Whether every consumer's lag stayed under the bound for the whole step. */
  readonly held: boolean;
}

/** A step accepting less than this share of what was offered found ingest's own limit. */
const SATURATED = 0.95;

/** Whether ingest accepted less than was offered: a higher offer cannot be accepted either. */
export const saturated = (step: RateStep): boolean => step.accepted < SATURATED * step.offered;

const raises = (step: RateStep): boolean => step.held && !saturated(step);

/**
 * The next rate to offer: double while every step held, then bisect between the highest rate
 * that held and the lowest that did not (a step whose ingest fell short of the offer counts as
 * not to be exceeded).
 */
export function nextRate(steps: readonly RateStep[], start: number): number {
  if (steps.length === 0) return start;
  const below = Math.max(0, ...steps.filter(raises).map((s) => s.offered));
  const above = Math.min(Number.POSITIVE_INFINITY, ...steps.filter((s) => !raises(s)).map((s) => s.offered));
  if (above === Number.POSITIVE_INFINITY) return below * 2;
  if (below === 0) return above / 2;
  return (below + above) / 2;
}

/** The figure: the highest accepted rate of a step whose lag held, 0 when none did. */
export function sustainedRate(steps: readonly RateStep[]): number {
  return Math.max(0, ...steps.filter((s) => s.held).map((s) => s.accepted));
}
