import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startOfUtcDay } from '@journey/datagen';

/** Where a demo data set keeps the end of its generated history. */
export const DEMO_SEED_FILE = 'demo-seed.json';

/**
 * The end of the demo's generated history: the first run's, kept in its data set, so that a run
 * on a later day generates the same events (appending nothing new) rather than a moved history.
 */
export function demoUntil(dataDir: string, now: Date): Date {
  const file = join(dataDir, DEMO_SEED_FILE);
  if (existsSync(file)) return new Date((JSON.parse(readFileSync(file, 'utf8')) as { until: string }).until);
  const until = startOfUtcDay(now);
  writeFileSync(file, `${JSON.stringify({ until: until.toISOString() })}\n`);
  return until;
}
