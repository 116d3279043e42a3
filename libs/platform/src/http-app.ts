import type { DynamicModule, Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { MAX_BATCH_BYTES } from '@journey/contracts';
import type { Logger } from './logger';
import { PinoNestLogger } from './logger';
import { ProblemFilter } from './problem';

/**
 * A Nest application on Fastify as every journey service runs it: the API's own body limit,
 * `__proto__` keys left to the validators (which name the field), errors as problem+json.
 */
export async function createHttpApp(root: Type | DynamicModule, logger: Logger): Promise<NestFastifyApplication> {
  const adapter = new FastifyAdapter({
    bodyLimit: MAX_BATCH_BYTES,
    onProtoPoisoning: 'ignore',
    onConstructorPoisoning: 'ignore',
    logger: false,
  });
  // JSON only: no form or plain-text bodies (they are answered 415).
  adapter.getInstance().removeContentTypeParser('text/plain');
  const app = await NestFactory.create<NestFastifyApplication>(root, adapter, {
    logger: new PinoNestLogger(logger),
    abortOnError: false,
    bodyParser: false,
  });
  app.useGlobalFilters(new ProblemFilter(logger));
  app.enableShutdownHooks();
  return app;
}
