import 'reflect-metadata';
import { Module } from '@nestjs/common';
import { ConfigError, createHttpApp, createLogger, loadConfig, PlatformModule } from '@journey/platform';
import { IngestModule } from './ingest.module';

/** The ingest service alone: HTTP ingest over the shared event store. */
async function main(): Promise<void> {
  const config = loadConfig();
  const logger = createLogger(config.logLevel);
  @Module({ imports: [PlatformModule.forRoot({ config, logger }), IngestModule] })
  class IngestServiceModule {}
  const app = await createHttpApp(IngestServiceModule, logger);
  await app.listen(config.port, config.host);
  logger.info(`journey ingest listening on http://${config.host}:${config.port}`);
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof ConfigError ? error.message : (error as Error).stack}\n`);
  process.exit(1);
});
