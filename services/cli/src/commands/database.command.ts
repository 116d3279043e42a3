import type { Command } from 'commander';
import { MigrateDatabaseCommand } from '@journey/platform';
import { VerifyStreamQuery } from '@journey/query';
import { withEngine } from '../cli-context';

/** `migrate` and `verify`: the schema and the hash chains of the log. */
export function registerDatabaseCommands(program: Command): void {
  program
    .command('migrate')
    .description('apply the database migrations of infra/sql that are not applied yet')
    .action(async () => {
      const report = await withEngine(({ commands }) => commands.execute(new MigrateDatabaseCommand()), { personalData: false });
      const applied = report.applied.length ? report.applied.join(', ') : 'nothing new';
      process.stdout.write(`migrated: ${applied} (${report.alreadyApplied} applied before)\n`);
    });

  program
    .command('verify')
    .description("recompute streams' hash chains and report the first broken position (exit 2 when a chain is broken, 3 when a stream has no events)")
    .argument('<streamIds...>', 'stream ids, e.g. customer-42')
    .action(async (streamIds: string[]) => {
      const { broken, empty } = await withEngine(async ({ queries }) => {
        const found = { broken: 0, empty: 0 };
        for (const streamId of streamIds) {
          const result = await queries.execute(new VerifyStreamQuery(streamId));
          if (!result.ok) {
            found.broken++;
            process.stdout.write(`${streamId}: BROKEN at position ${result.brokenAt}: ${result.reason}\n`);
          } else if (result.events === 0) {
            // Nothing to verify is no proof of an intact chain: most often a mistyped id.
            found.empty++;
            process.stdout.write(`${streamId}: no events (no such stream: check the id, e.g. customer-42 or visitor-v-7)\n`);
          } else process.stdout.write(`${streamId}: ok (${result.events} events)\n`);
        }
        return found;
      }, { personalData: false });
      process.exitCode = broken > 0 ? 2 : empty > 0 ? 3 : 0;
    });
}
