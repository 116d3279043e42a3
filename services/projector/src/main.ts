import 'reflect-metadata';
import { Module } from '@nestjs/common';
import { ConfigError, createHttpApp, createLogger, loadConfig, PlatformModule } from '@journey/platform';
import { ProjectorModule } from './projector.module';

/** The projector alone (with /health and /metrics), beside ingest processes elsewhere. */
async function main(): Promise<void> {
  const config = { ...loadConfig(), projector: true };
  const logger = createLogger(config.logLevel);
  @Module({ imports: [PlatformModule.forRoot({ config, logger }), ProjectorModule] })
  class ProjectorServiceModule {}
  const app = await createHttpApp(ProjectorServiceModule, logger);
  await app.listen(config.port, config.host);
  const address = app.getHttpServer().address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  logger.info(`journey projector running, health and metrics listening on http://${config.host}:${port}`);
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof ConfigError ? error.message : (error as Error).stack}\n`);
  process.exit(1);
});
