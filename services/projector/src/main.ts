import 'reflect-metadata';
import { Module } from '@nestjs/common';
import { ConfigError, createLogger, loadConfig, PlatformModule, startService } from '@journey/platform';
import { ProjectorModule } from './projector.module';

/** The projector alone (with /health and /metrics), beside ingest processes elsewhere. */
async function main(): Promise<void> {
  const config = { ...loadConfig(), projector: true };
  const logger = createLogger(config.logLevel);
  @Module({ imports: [PlatformModule.forRoot({ config, logger }), ProjectorModule] })
  class ProjectorServiceModule {}
  const { url } = await startService(ProjectorServiceModule, config, logger, 'projector');
  logger.info(`journey projector running, health and metrics listening on ${url}`);
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof ConfigError ? error.message : (error as Error).stack}\n`);
  process.exit(1);
});
