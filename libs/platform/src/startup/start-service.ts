import type { DynamicModule, Type } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { isUnavailable, PgDatabase } from '@journey/database';
import type { JourneyConfig } from '../config';
import { createHttpApp, listen } from '../http-app';
import type { Logger } from '../logger';
import { WaitingServer } from './waiting-server';

/** Backoff between attempts to reach the database at start: 1 s doubling to 15 s. */
const FIRST_WAIT_MS = 1000;
const LAST_WAIT_MS = 15_000;

export interface StartedService {
  readonly app: NestFastifyApplication;
  readonly url: string;
  readonly port: number;
}

/**
 * Builds and starts a service. When its PostgreSQL does not answer, it does not exit (a supervisor
 * would restart it in a loop for the whole outage): it serves 503 on its port from a stand-in,
 * tries again with backoff, logging each attempt, and starts fully on the same port once the
 * database answers.
 */
export async function startService(
  root: Type | DynamicModule,
  config: JourneyConfig,
  logger: Logger,
  name: string,
  /** Routes of the HTTP server outside Nest (the console's static files), added before it listens. */
  prepare?: (app: NestFastifyApplication) => Promise<void>,
): Promise<StartedService> {
  let waiting: WaitingServer | undefined;
  let port = config.port;
  for (let attempt = 1; ; attempt++) {
    const failure = config.databaseUrl ? await probe(config.databaseUrl) : undefined;
    const app = failure ? undefined : await createHttpApp(root, logger).catch((error: unknown) => rethrowUnlessUnavailable(error));
    if (app) {
      await prepare?.(app);
      if (waiting) await waiting.close();
      const started = await listen(app, config.host, port);
      return { app, ...started };
    }
    const reason = failure ?? 'the database went away during start-up';
    if (!waiting) {
      waiting = new WaitingServer();
      port = await waiting.listen(config.host, port);
      logger.warn(`journey ${name} waits for its database, listening on http://${config.host}:${port} with 503 until it answers`);
    }
    waiting.waitingFor(reason);
    const waitMs = Math.min(LAST_WAIT_MS, FIRST_WAIT_MS * 2 ** (attempt - 1));
    logger.warn({ attempt, retryInMs: waitMs, reason }, 'database unreachable; trying again');
    await new Promise((resolve) => setTimeout(resolve, waitMs));
  }
}

/** Why the database does not answer `SELECT 1`, or undefined when it does. */
async function probe(url: string): Promise<string | undefined> {
  const db = new PgDatabase({ url, poolSize: 1, applicationName: 'journey-start', connectTimeoutMs: 5000 });
  try {
    await db.query('SELECT 1');
    return undefined;
  } catch (error) {
    if (!isUnavailable(error)) throw error;
    return (error as Error).message || String((error as { code?: unknown }).code);
  } finally {
    await db.close().catch(() => undefined);
  }
}

function rethrowUnlessUnavailable(error: unknown): undefined {
  if (isUnavailable(error)) return undefined;
  throw error;
}
