import type { Command } from 'commander';
import { customer360View } from '@journey/domain';
import { loadConfig } from '@journey/platform';
import { customerAsOf, Projector, rebuildCustomerProjection } from '@journey/projections';
import { withStore } from '../cli-database';
import { duration } from '../seed/progress';

/** `projections rebuild`, `rfm run` and `customer as-of`: the read models and the folds behind them. */
export function registerProjectionsCommands(program: Command): void {
  const projections = program.command('projections').description('the read models derived from the log');

  projections
    .command('rebuild')
    .description('rebuild a projection from the whole log into shadow tables, then swap them in (reads go on meanwhile)')
    .argument('[name]', 'the projection: customer_360 (the only one, with its lifecycle and value tier)', 'customer_360')
    .action(async (name: string) => {
      if (name !== 'customer_360') throw new Error(`unknown projection ${name}; there is customer_360`);
      const config = loadConfig();
      const report = await withStore((db, store) =>
        rebuildCustomerProjection(db, store, {
          lifecycle: config.projections.lifecycle,
          batchSize: config.projections.batchSize,
          onProgress: (events) => process.stderr.isTTY && process.stderr.write(`\r${events.toLocaleString('en-US')} events folded`),
        }),
      );
      if (process.stderr.isTTY) process.stderr.write('\n');
      process.stdout.write(
        `rebuilt customer_360 from ${report.events.toLocaleString('en-US')} events in ${duration(report.seconds)}` +
          ` (${Math.round(report.events / Math.max(report.seconds, 0.001)).toLocaleString('en-US')} events/s) and swapped it in\n`,
      );
    });

  program
    .command('rfm')
    .description('run the value-tier (RFM) job now, as the schedule would')
    .argument('<action>', 'run')
    .action(async (action: string) => {
      if (action !== 'run') throw new Error(`unknown action ${action}; use: journey rfm run`);
      const config = loadConfig();
      const report = await withStore((db, store) => new Projector(db, store, config.projections, () => new Date()).runRfm());
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
      const at = new Date(instant);
      if (Number.isNaN(at.getTime())) throw new Error(`${instant} is not an instant`);
      if (options.by !== 'recorded' && options.by !== 'occurred') throw new Error(`--by must be recorded or occurred, not ${options.by}`);
      const by = options.by;
      const config = loadConfig();
      const answer = await withStore((_db, store) => customerAsOf(store, customerId, at, config.projections.lifecycle, by));
      if (!answer) {
        process.stdout.write(`nothing of customer ${customerId} was ${by} by ${at.toISOString()}\n`);
        process.exitCode = 3;
        return;
      }
      process.stdout.write(`${JSON.stringify({ ...answer, customer: customer360View(answer.customer, config.projections.rates) }, null, 2)}\n`);
    });
}
