import 'reflect-metadata';
import { Module } from '@nestjs/common';
import { ConfigError, createLogger, loadConfig, PlatformModule, startService } from '@journey/platform';
import { SagaModule } from './saga.module';

/** The saga alone: journeys over the shared event store, and the rules admin API. */
async function main(): Promise<void> {
  const config = loadConfig();
  const logger = createLogger(config.logLevel);
  @Module({ imports: [PlatformModule.forRoot({ config, logger }), SagaModule] })
  class SagaServiceModule {}
  const { url } = await startService(SagaServiceModule, config, logger, 'saga');
  logger.info(`journey saga listening on ${url}`);
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof ConfigError ? error.message : (error as Error).stack}\n`);
  process.exit(1);
});
