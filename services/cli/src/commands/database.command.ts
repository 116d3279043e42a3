import type { Command } from 'commander';
import { migrate } from '@journey/database';
import { PostgresEventStore } from '@journey/event-store/postgres';
import { withDatabase } from '../cli-database';

/** `migrate` and `verify`: the schema and the hash chains of the log. */
export function registerDatabaseCommands(program: Command): void {
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
      // The chains cover sealed text: verifying needs no master key.
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
}
