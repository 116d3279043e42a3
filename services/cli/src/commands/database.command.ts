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
    .description("recompute streams' hash chains and report the first broken position")
    .argument('<streamIds...>', 'stream ids, e.g. customer-42')
    .action(async (streamIds: string[]) => {
      const broken = await withEngine(async ({ queries }) => {
        let failures = 0;
        for (const streamId of streamIds) {
          const result = await queries.execute(new VerifyStreamQuery(streamId));
          if (result.ok) process.stdout.write(`${streamId}: ok (${result.events} events)\n`);
          else {
            failures++;
            process.stdout.write(`${streamId}: BROKEN at position ${result.brokenAt}: ${result.reason}\n`);
          }
        }
        return failures;
      }, { personalData: false });
      process.exitCode = broken > 0 ? 2 : 0;
    });
}
