import type { Command } from 'commander';
import { INSTANT_REASON, parseInstant, RequestRejectedError } from '@journey/platform';
import { RebuildProjectionCommand, REBUILDABLE_PROJECTIONS, RunRfmCommand } from '@journey/projector';
import { CustomerAsOfQuery } from '@journey/query';
import { usageError } from '../cli-errors';
import { withEngine } from '../cli-context';
import { oneOf } from '../cli-options';
import { duration } from '../seed/progress';

/** `projections rebuild`, `rfm run` and `customer as-of`: the read models and the folds behind them. */
export function registerProjectionsCommands(program: Command): void {
  const projections = program.command('projections').description('the read models derived from the log');

  projections
    .command('rebuild')
    .description('rebuild a projection from the whole log into shadow tables, then swap them in (reads go on meanwhile)')
    .argument('[name]', `the projection: ${REBUILDABLE_PROJECTIONS.join(', ')} (customer_360 with its lifecycle and value tier; customer_items with the item similarity's sums)`, 'customer_360')
    .action(async (name: string) => {
      const onProgress = (events: number): void => void (process.stderr.isTTY && process.stderr.write(`\r${events.toLocaleString('en-US')} events folded`));
      const report = await withEngine(({ commands }) => commands.execute(new RebuildProjectionCommand(name, 'cli', onProgress)));
      if (process.stderr.isTTY) process.stderr.write('\n');
      process.stdout.write(
        `rebuilt ${name} from ${report.events.toLocaleString('en-US')} events in ${duration(report.seconds)}` +
          ` (${Math.round(report.events / Math.max(report.seconds, 0.001)).toLocaleString('en-US')} events/s) and swapped it in\n`,
      );
    });

  program
    .command('rfm')
    .description('run the value-tier (RFM) job now, as the schedule would')
    .argument('<action>', 'run')
    .action(async (action: string) => {
      oneOf('action', action, ['run']);
      const report = await withEngine(({ commands }) => commands.execute(new RunRfmCommand()));
      process.stdout.write(`RFM run ${report.run}: ${report.customers} customers scored, ${report.changed} changed, ${report.appended} ValueTierChanged appended\n`);
    });

  program
    .command('customer')
    .description('customers as the engine knew them')
    .command('as-of')
    .description("fold a customer's streams up to an instant: the 360, stage and tier as they were")
    .argument('<customerId>')
    .argument('<instant>', 'ISO 8601, e.g. 2026-03-01T12:00:00Z')
    .option('--by <clock>', 'recorded: what the engine knew at the instant (events recorded by then); occurred: what had happened by then (events that occurred by then, however late they came)', 'recorded')
    .action(async (customerId: string, instant: string, options: { by: string }) => {
      const at = parseInstant(instant);
      if (!at) throw usageError('instant', INSTANT_REASON);
      const by = oneOf('--by', options.by, ['recorded', 'occurred']);
      try {
        const answer = await withEngine(({ queries }) => queries.execute(new CustomerAsOfQuery(customerId, instant, at, by)));
        process.stdout.write(`${JSON.stringify(answer, null, 2)}\n`);
      } catch (error) {
        if (!(error instanceof RequestRejectedError && error.status === 404)) throw error;
        process.stdout.write(`nothing of customer ${customerId} was ${by} by ${at.toISOString()}\n`);
        process.exitCode = 3;
      }
    });
}
