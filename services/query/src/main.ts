import 'reflect-metadata';
import { Module } from '@nestjs/common';
import { ConfigError, createLogger, loadConfig, PlatformModule, startService } from '@journey/platform';
import { QueryModule } from './query.module';

/** The query service alone: marketing reads of the projections. */
async function main(): Promise<void> {
  const config = loadConfig();
  const logger = createLogger(config.logLevel);
  @Module({ imports: [PlatformModule.forRoot({ config, logger }), QueryModule] })
  class QueryServiceModule {}
  const { url } = await startService(QueryServiceModule, config, logger, 'query');
  logger.info(`journey query listening on ${url}`);
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof ConfigError ? error.message : (error as Error).stack}\n`);
  process.exit(1);
});
