import 'reflect-metadata';
import cluster from 'node:cluster';
import { answerClusterMetricsRequests, ConfigError, createLogger, loadConfig, startService } from '@journey/platform';
import { serveConsole } from './console-files';
import { EngineModule } from './engine.module';
import { superviseWorkers } from './workers';

async function main(): Promise<void> {
  const config = loadConfig();
  const logger = createLogger(config.logLevel);
  if (config.workers > 1 && cluster.isPrimary) {
    superviseWorkers(config.workers, logger);
    return;
  }
  // Before anything that takes time: the primary may ask a worker still starting for its metrics.
  if (cluster.isWorker) answerClusterMetricsRequests();
  const { url, port } = await startService(EngineModule.forRoot({ config, logger }), config, logger, 'engine', serveConsole(logger));
  const storage = config.databaseUrl ? `PostgreSQL ${redact(config.databaseUrl)}` : `embedded PGlite in ${config.dataDir}`;
  logger.info({ port, storage }, `journey engine listening on ${url} (${storage})`);
}

function redact(url: string): string {
  const parsed = new URL(url);
  if (parsed.password) parsed.password = '***';
  return parsed.toString();
}

main().catch((error: unknown) => {
  process.stderr.write(`journey engine failed to start: ${error instanceof ConfigError ? error.message : (error as Error).stack}\n`);
  process.exit(1);
});
