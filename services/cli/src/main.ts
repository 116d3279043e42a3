import 'reflect-metadata';
import { Command } from 'commander';
import { migrate, openDatabase, PostgresEventStore, type Database } from '@journey/event-store';
import { ConfigError, loadConfig } from '@journey/platform';

async function withDatabase<T>(work: (db: Database) => Promise<T>): Promise<T> {
  const config = loadConfig();
  const db = await openDatabase({ url: config.databaseUrl, dataDir: config.dataDir, poolSize: 4, applicationName: 'journey-cli' });
  try {
    return await work(db);
  } finally {
    await db.close();
  }
}

const program = new Command()
  .name('journey')
  .description('journey: the event-sourced customer-journey engine (DATABASE_URL, or PGlite in JOURNEY_DATA_DIR)');

program
  .command('migrate')
  .description('apply the database migrations of infra/sql that are not applied yet')
  .action(async () => {
    const report = await withDatabase((db) => migrate(db));
    const applied = report.applied.length ? report.applied.join(', ') : 'nothing new';
    process.stdout.write(`migrated: ${applied} (${report.alreadyApplied} applied before)\n`);
  });

program
  .command('verify')
  .description("recompute streams' hash chains and report the first broken position")
  .argument('<streamIds...>', 'stream ids, e.g. customer-42')
  .action(async (streamIds: string[]) => {
    const broken = await withDatabase(async (db) => {
      await migrate(db);
      const store = new PostgresEventStore(db);
      let failures = 0;
      for (const streamId of streamIds) {
        const result = await store.verify(streamId);
        if (result.ok) process.stdout.write(`${streamId}: ok (${result.events} events)\n`);
        else {
          failures++;
          process.stdout.write(`${streamId}: BROKEN at position ${result.brokenAt}: ${result.reason}\n`);
        }
      }
      await store.close();
      return failures;
    });
    process.exitCode = broken > 0 ? 2 : 0;
  });

program.parseAsync(process.argv).catch((error: unknown) => {
  process.stderr.write(`journey: ${error instanceof ConfigError ? error.message : (error as Error).message}\n`);
  process.exitCode = 1;
});
