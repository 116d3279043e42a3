import 'reflect-metadata';
import { Module } from '@nestjs/common';
import { ConfigError, createLogger, loadConfig, PlatformModule, startService } from '@journey/platform';
import { IngestModule } from './ingest.module';

/** The ingest service alone: HTTP ingest, and Kafka ingest when KAFKA_BROKERS is set, over the shared event store. */
async function main(): Promise<void> {
  const config = loadConfig();
  const logger = createLogger(config.logLevel);
  @Module({ imports: [PlatformModule.forRoot({ config, logger }), IngestModule] })
  class IngestServiceModule {}
  const { url } = await startService(IngestServiceModule, config, logger, 'ingest');
  logger.info(`journey ingest listening on ${url}`);
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof ConfigError ? error.message : (error as Error).stack}\n`);
  process.exit(1);
});
