import 'reflect-metadata';
import { Command } from 'commander';
import { ConfigError } from '@journey/platform';
import { registerDatabaseCommands } from './commands/database.command';
import { registerDemoCommands } from './commands/demo.command';
import { registerKafkaCommands } from './commands/kafka.command';
import { registerKeysCommands } from './commands/keys.command';
import { registerProjectionsCommands } from './commands/projections.command';
import { registerRulesCommands } from './commands/rules.command';
import { registerSeedCommands } from './commands/seed.command';

const program = new Command()
  .name('journey')
  .description('journey: the event-sourced customer-journey engine (DATABASE_URL, or PGlite in JOURNEY_DATA_DIR)');

registerDatabaseCommands(program);
registerSeedCommands(program);
registerDemoCommands(program);
registerKafkaCommands(program);
registerProjectionsCommands(program);
registerRulesCommands(program);
registerKeysCommands(program);

program.parseAsync(process.argv).catch((error: unknown) => {
  process.stderr.write(`journey: ${error instanceof ConfigError ? error.message : (error as Error).message}\n`);
  process.exitCode = 1;
});
