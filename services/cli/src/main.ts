import 'reflect-metadata';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { Command } from 'commander';
import { failureLine } from './cli-errors';
import { registerDatabaseCommands } from './commands/database.command';
import { registerDemoCommands } from './commands/demo.command';
import { registerKafkaCommands } from './commands/kafka.command';
import { registerKeysCommands } from './commands/keys.command';
import { registerProjectionsCommands } from './commands/projections.command';
import { registerRulesCommands } from './commands/rules.command';
import { registerSeedCommands } from './commands/seed.command';

const program = new Command()
  .name('journey')
  .description('journey: the event-sourced customer-journey engine (DATABASE_URL, or PGlite in JOURNEY_DATA_DIR)')
  .version(packageVersion(), '-V, --version', 'print the version of journey');

registerDatabaseCommands(program);
registerSeedCommands(program);
registerDemoCommands(program);
registerKafkaCommands(program);
registerProjectionsCommands(program);
registerRulesCommands(program);
registerKeysCommands(program);

program.parseAsync(process.argv).catch((error: unknown) => {
  process.stderr.write(`journey: ${failureLine(error)}\n`);
  process.exitCode = 1;
});

/** The version in package.json, found from the sources or their build in dist/. */
function packageVersion(): string {
  for (let dir = __dirname; ; dir = dirname(dir)) {
    const file = join(dir, 'package.json');
    if (existsSync(file)) return (JSON.parse(readFileSync(file, 'utf8')) as { version: string }).version;
    if (dirname(dir) === dir) return 'unknown';
  }
}
