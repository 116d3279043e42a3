/** How long the fault suite runs: a short form in `npm test`, at length with JOURNEY_FAULTS=long (`npm run faults`). */
export interface FaultSettings {
  readonly long: boolean;
  /** Rounds of every fault kind. */
  readonly rounds: number;
  /** How long the database stays away in each stop. */
  readonly outageMs: number;
  /** Events acknowledged between two faults, at least, so that each fault meets work under way. */
  readonly ackedBetweenFaults: number;
}

export function faultSettings(env: NodeJS.ProcessEnv = process.env): FaultSettings {
  const long = env.JOURNEY_FAULTS === 'long';
  return long ? { long, rounds: 5, outageMs: 10_000, ackedBetweenFaults: 500 } : { long, rounds: 1, outageMs: 3000, ackedBetweenFaults: 50 };
}

/** One line of figures on stderr, for docs/reliability.md. */
export function reportFigures(name: string, figures: Record<string, unknown>): void {
  process.stderr.write(`fault figures: ${name}: ${JSON.stringify(figures)}\n`);
}
