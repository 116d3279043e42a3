import type { Command } from 'commander';
import type { PredictPhase } from '@journey/projections';
import { RunPredictionsCommand } from '@journey/projector';
import { withEngine } from '../cli-context';
import { duration } from '../seed/progress';

const WIDTH = 30;

const percent = (value: number | null): string => (value !== null && Number.isFinite(value) ? `${(value * 100).toFixed(1)} %` : 'n/a');

/** A bar per phase on stderr: redrawn on a terminal, one line per phase otherwise. */
function progressBar(): (phase: PredictPhase, done: number, total: number) => void {
  let last = '';
  return (phase, done, total) => {
    const share = total > 0 ? Math.min(1, done / total) : 1;
    const filled = Math.round(share * WIDTH);
    const line = `${phase.padEnd(9)} [${'#'.repeat(filled)}${'.'.repeat(WIDTH - filled)}] ${done.toLocaleString('en-US')}/${total.toLocaleString('en-US')}`;
    if (process.stderr.isTTY) process.stderr.write(`\r${line}${done >= total ? '\n' : ''}`);
    else if (phase !== last || done >= total) process.stderr.write(`${line}\n`);
    last = phase;
  };
}

/** `predict fit`: the purchase models' fit and scoring, now. */
export function registerPredictCommands(program: Command): void {
  program
    .command('predict')
    .description('the purchase models (BG/NBD, Gamma-Gamma): churn risk, expected purchases, CLV')
    .command('fit')
    .description('fit the models over every buyer now, score every customer, append ModelFitted (as the schedule would)')
    .action(async () => {
      const report = await withEngine(({ commands }) => commands.execute(new RunPredictionsCommand('cli', progressBar())));
      const { r, alpha, a, b, logLikelihood, iterations } = report.params;
      process.stdout.write(
        `fit ${report.fitId}: ${report.customers.toLocaleString('en-US')} customers (${report.repeatCustomers.toLocaleString('en-US')} repeat)\n` +
          `  BG/NBD r=${r.toFixed(4)} alpha=${alpha.toFixed(4)} a=${a.toFixed(4)} b=${b.toFixed(4)} LL=${logLikelihood.toFixed(1)} in ${iterations} iterations\n` +
          (report.spend ? `  Gamma-Gamma p=${report.spend.p.toFixed(4)} q=${report.spend.q.toFixed(4)} gamma=${report.spend.gamma.toFixed(2)}\n` : '  Gamma-Gamma not fitted (too few repeat customers)\n') +
          `  ${report.bandChanges} ChurnRiskChanged appended\n` +
          (report.backtest
            ? `  backtest (${report.backtest.holdoutWeeks} weeks from ${report.backtest.cutoff}): orders MAPE ${percent(report.backtest.model.orders.mape)}, total ${percent(report.backtest.model.orders.totalError)}` +
              ` (naive ${percent(report.backtest.naive.orders.mape)}, total ${percent(report.backtest.naive.orders.totalError)})\n`
            : '  backtest: history too short to hold weeks out\n') +
          `  recommendations for ${report.recommendations.recommended.toLocaleString('en-US')} customers from ${report.recommendations.inWindow.toLocaleString('en-US')} products in the window;` +
          ` hit rate at 5 ${percent(report.recommendations.check.itemToItem)} vs popularity ${percent(report.recommendations.check.popularity)} (${report.recommendations.check.customers} customers)\n` +
          `  extract ${duration(report.seconds.extract)}, fit ${duration(report.seconds.fit)}, score ${duration(report.seconds.score)}, forecast ${duration(report.seconds.forecast)}, recommend ${duration(report.seconds.recommend)}\n`,
      );
    });
}
