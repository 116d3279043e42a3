import type { Command } from 'commander';
import { MAX_BATCH_EVENTS } from '@journey/contracts';
import { usageError } from '../cli-errors';
import { withEngine } from '../cli-context';
import { oneOf, positive } from '../cli-options';
import { SeedPopulationCommand } from '../seed-population/seed-population.command';
import { duration } from '../seed/progress';
import { httpSink, seed, type SeedOptions } from '../seed/seed';

/** `seed`: a generated customer population, appended through ingest's use case here or posted to a running engine. */
export function registerSeedCommands(program: Command): void {
  program
    .command('seed')
    .description('generate a realistic customer population and append its events (deterministic from --seed)')
    .option('--customers <n>', 'customers to generate', '10000')
    .option('--seed <n>', 'the random seed: same seed and options, same events', '1')
    .option('--until <instant>', 'end of the history (default: the start of today, UTC)')
    .option('--days <n>', 'length of the history in days', '730')
    .option('--via <sink>', 'store (append here, as POST /v1/events would) or http (post to a running engine)', 'store')
    .option('--url <url>', 'the engine, with --via http', 'http://127.0.0.1:3000')
    .option('--key <key>', 'an API key of the ingest role, with --via http (default: $JOURNEY_KEY)')
    .option('--batch <n>', `events per call (at most ${MAX_BATCH_EVENTS} with --via http)`, '500')
    .option('--concurrency <n>', 'calls in flight', '4')
    .action(async (options: Record<string, string>) => {
      const now = new Date();
      const until = options.until ? new Date(options.until) : undefined;
      if (until && Number.isNaN(until.getTime())) throw usageError('--until', `${options.until} is not an instant`);
      const seedOptions: SeedOptions = {
        seed: positive('--seed', options.seed!, 0),
        customers: positive('--customers', options.customers!),
        days: positive('--days', options.days!),
        until,
        batch: positive('--batch', options.batch!),
        concurrency: positive('--concurrency', options.concurrency!),
      };
      const via = oneOf('--via', options.via!, ['store', 'http']);
      // Over HTTP this process is a client of another engine: it opens no database of its own.
      const report =
        via === 'http'
          ? await seed(httpSink(options.url!, httpKey(options.key ?? process.env.JOURNEY_KEY)), httpBatch(seedOptions), now)
          : await withEngine(({ commands }) => commands.execute(new SeedPopulationCommand(seedOptions, now)));
      const count = (n: number): string => n.toLocaleString('en-US');
      // Appended and already stored apart: a second run of the same history appends nothing.
      process.stdout.write(
        `seeded ${count(report.customers)} customers: ${count(report.appended)} events appended, ${count(report.alreadyStored)} already stored, in ${duration(report.seconds)}` +
          ` (${count(Math.round(report.events / report.seconds))} events/s); the history ends at ${report.until}:` +
          ` --until ${report.until} repeats it (appending nothing new)\n`,
      );
    });
}

/** The key `--via http` sends: refused before anything is posted when none is given. */
function httpKey(key: string | undefined): string {
  if (!key) throw usageError('--key', 'is required with --via http: an API key of the ingest role (journey keys create --role ingest), or set JOURNEY_KEY');
  return key;
}

/** POST /v1/events takes at most MAX_BATCH_EVENTS events a call: a larger --batch would only be split again. */
function httpBatch(options: SeedOptions): SeedOptions {
  if (options.batch! > MAX_BATCH_EVENTS) throw usageError('--batch', `must be at most ${MAX_BATCH_EVENTS} with --via http (POST /v1/events takes no more), got ${options.batch}`);
  return options;
}
