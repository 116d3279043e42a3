import 'reflect-metadata';
import { Module } from '@nestjs/common';
import { ConfigError, createHttpApp, createLogger, listen, loadConfig, PlatformModule } from '@journey/platform';
import { SagaModule } from './saga.module';

/** The saga alone: journeys over the shared event store, and the rules admin API. */
async function main(): Promise<void> {
  const config = loadConfig();
  const logger = createLogger(config.logLevel);
  @Module({ imports: [PlatformModule.forRoot({ config, logger }), SagaModule] })
  class SagaServiceModule {}
  const app = await createHttpApp(SagaServiceModule, logger);
  const { url } = await listen(app, config.host, config.port);
  logger.info(`journey saga listening on ${url}`);
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof ConfigError ? error.message : (error as Error).stack}\n`);
  process.exit(1);
});
