import type { Command } from 'commander';
import { positive } from '../cli-options';
import { runDemo } from '../demo';

/** `demo`: the engine with a generated population and the example rules, summarised. */
export function registerDemoCommands(program: Command): void {
  program
    .command('demo')
    .description('the engine on the embedded default with a generated population: seeds, projects, runs the example rules, prints a summary')
    .option('--customers <n>', 'customers to generate', '500')
    .option('--data-dir <dir>', 'the PGlite data folder of the demo', './data-demo')
    .option('--port <n>', 'where the engine listens (0: any free port)', '3000')
    .option('--exit', 'stop after the summary instead of serving until Ctrl-C')
    .action(async (options: Record<string, string | boolean>) => {
      await runDemo({
        customers: positive('--customers', String(options.customers)),
        dataDir: String(options.dataDir),
        port: positive('--port', String(options.port), 0),
        exit: options.exit === true,
      });
    });
}
