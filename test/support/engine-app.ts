import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { createHttpApp, createLogger, loadConfig } from '@journey/platform';
import { EngineModule } from '../../services/engine/src/engine.module';
import type { Backend } from './test-database';

/** The admin key every engine under test is started with (JOURNEY_ADMIN_KEY). */
export const TEST_ADMIN_KEY = 'test-admin-key-0123456789abcdefghijklmnop';
/** The master key of engines on PostgreSQL (on PGlite the engine makes one in its data folder). */
export const TEST_MASTER_KEY = Buffer.alloc(32, 3).toString('base64');

export interface EngineUnderTest {
  readonly app: NestFastifyApplication;
  /** `key`: the bearer key (the admin key unless given; null sends none). */
  request(options: { method: 'GET' | 'POST' | 'PUT' | 'DELETE'; url: string; body?: unknown; rawBody?: string; contentType?: string; key?: string | null }): Promise<{
    status: number;
    headers: Record<string, unknown>;
    json: () => Record<string, unknown>;
    body: string;
  }>;
  close(): Promise<void>;
}

/** The one-process engine on a test database, answering in-process requests (no socket). */
export async function startEngine(backend: Backend, databaseUrl?: string, env: Record<string, string> = {}): Promise<EngineUnderTest> {
  const dataDir = backend === 'pglite' ? mkdtempSync(join(tmpdir(), 'journey-e2e-')) : undefined;
  const config = loadConfig({
    LOG_LEVEL: 'silent',
    JOURNEY_ADMIN_KEY: TEST_ADMIN_KEY,
    ...(backend === 'postgres' ? { DATABASE_URL: databaseUrl, JOURNEY_MASTER_KEY: TEST_MASTER_KEY } : { JOURNEY_DATA_DIR: dataDir }),
    ...env,
  });
  const logger = createLogger('silent');
  const app = await createHttpApp(EngineModule.forRoot({ config, logger }), logger);
  await app.init();
  await app.getHttpAdapter().getInstance().ready();
  return {
    app,
    async request({ method, url, body, rawBody, contentType, key = TEST_ADMIN_KEY }) {
      const response = await app.inject({
        method,
        url,
        payload: rawBody ?? (body === undefined ? undefined : JSON.stringify(body)),
        headers: {
          ...(body !== undefined || rawBody !== undefined ? { 'content-type': contentType ?? 'application/json' } : {}),
          ...(key === null ? {} : { authorization: `Bearer ${key}` }),
        },
      });
      return {
        status: response.statusCode,
        headers: response.headers,
        body: response.body,
        json: () => JSON.parse(response.body) as Record<string, unknown>,
      };
    },
    async close() {
      await app.close();
      if (dataDir) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
