import { existsSync } from 'node:fs';
import { join } from 'node:path';
import fastifyStatic from '@fastify/static';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { Logger } from '@journey/platform';

/** Where `npm run build` puts the console: dist/console, beside dist/services. */
export const CONSOLE_DIR = process.env.JOURNEY_CONSOLE_DIR ?? join(__dirname, '..', '..', '..', 'console');

/**
 * Serves the console's static files at /app/ (same origin as the API, nothing from elsewhere)
 * and sends `/` there. Its hashed assets are cached for good, its index never.
 */
export function serveConsole(logger: Logger, dir = CONSOLE_DIR): (app: NestFastifyApplication) => Promise<void> {
  return async (app) => {
    const server = app.getHttpAdapter().getInstance();
    server.get('/', (_request, reply) => reply.redirect('/app/', 302));
    if (!existsSync(join(dir, 'index.html'))) {
      logger.warn({ dir }, 'the console is not built (npm run build): /app answers 404');
      return;
    }
    server.get('/app', (_request, reply) => reply.redirect('/app/', 301));
    await app.register(fastifyStatic, {
      root: dir,
      prefix: '/app/',
      index: ['index.html'],
      setHeaders: (reply, path) => {
        reply.header('cache-control', path.includes(`${join(dir, 'assets')}`) ? 'public, max-age=31536000, immutable' : 'no-cache');
        reply.header('x-content-type-options', 'nosniff');
      },
    });
  };
}
