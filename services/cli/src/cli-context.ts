import type { DynamicModule } from '@nestjs/common';
import type { CommandBus, QueryBus } from '@nestjs/cqrs';
import { createLogger, loadConfig, type JourneyConfig, type Logger } from '@journey/platform';

/** What a CLI command is given: the buses its input is mapped onto. */
export interface Buses {
  readonly commands: CommandBus;
  readonly queries: QueryBus;
}

export interface EngineOptions {
  /**
   * Whether the command seals or opens personal data (default true). Commands that only read
   * other tables or verify the log say false: they need no master key, and the store refuses
   * writes.
   */
  readonly personalData?: boolean;
}

/**
 * Runs `work` in a Nest application context (no HTTP) holding the engine's handlers, the
 * database migrated; closed when `work` is done. Nest loads only when a command runs, so
 * `--help` stays quick.
 */
export async function withEngine<T>(work: (buses: Buses) => Promise<T>, options: EngineOptions = {}): Promise<T> {
  const { CliModule } = await import('./cli.module');
  const config = loadConfig();
  return inContext(CliModule.forRoot(config, cliLogger(config), options.personalData ?? true), work);
}

/** Runs `work` with the Kafka admin's handlers only: no database is opened. */
export async function withKafkaAdmin<T>(work: (buses: Buses) => Promise<T>): Promise<T> {
  const { CliKafkaModule } = await import('./cli.module');
  const config = loadConfig();
  return inContext(CliKafkaModule.forRoot(config, cliLogger(config)), work);
}

async function inContext<T>(module: DynamicModule, work: (buses: Buses) => Promise<T>): Promise<T> {
  const [{ NestFactory }, { CommandBus, QueryBus }] = await Promise.all([import('@nestjs/core'), import('@nestjs/cqrs')]);
  // Failures reach the caller, which prints one line; Nest's own narration stays out of the terminal.
  const app = await NestFactory.createApplicationContext(module, { logger: false, abortOnError: false });
  try {
    return await work({ commands: app.get(CommandBus), queries: app.get(QueryBus) });
  } finally {
    await app.close();
  }
}

/** The engine's log as plain lines on stderr (stdout is the command's answer): warnings and worse unless LOG_LEVEL asks for more. */
function cliLogger(config: JourneyConfig): Logger {
  const level = process.env.LOG_LEVEL ? config.logLevel : 'warn';
  return createLogger(level, {
    write(line: string) {
      const { msg } = JSON.parse(line) as { msg?: string };
      process.stderr.write(`${msg ?? line.trim()}\n`);
    },
  });
}
