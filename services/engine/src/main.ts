import 'reflect-metadata';
import { ConfigError, createHttpApp, createLogger, listen, loadConfig } from '@journey/platform';
import { EngineModule } from './engine.module';

async function main(): Promise<void> {
  const config = loadConfig();
  const logger = createLogger(config.logLevel);
  const app = await createHttpApp(EngineModule.forRoot({ config, logger }), logger);
  const { url, port } = await listen(app, config.host, config.port);
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
