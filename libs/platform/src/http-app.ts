import type { DynamicModule, Type } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { NestFactory } from '@nestjs/core';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { MAX_BATCH_BYTES } from '@journey/contracts';
import type { Logger } from './logger';
import { PinoNestLogger } from './logger';
import { ProblemFilter, RequestRejectedError, sendProblem } from './problem';
import { installInputGuards } from './input-guards';
import { installRequestDecoding } from './request-decoding';
import { isTrackingPath } from './tracking-routes';
import { completeDocument } from './openapi/openapi-document';
import type { AccessLog } from './auth/access-log';
import type { AuthenticatedRequest } from './auth/auth.guard';
import { ACCESS_LOG } from './tokens';

/**
 * A Nest application on Fastify as every journey service runs it: the API's own body limit,
 * `__proto__` keys left to the validators (which name the field), errors as problem+json.
 */
export async function createHttpApp(root: Type | DynamicModule, logger: Logger): Promise<NestFastifyApplication> {
  // Bound once the access log exists, after the adapter that refers to it is made.
  const access: { record?: (request: FastifyRequest, reply: FastifyReply) => void } = {};
  const adapter = new FastifyAdapter({
    bodyLimit: MAX_BATCH_BYTES,
    onProtoPoisoning: 'ignore',
    onConstructorPoisoning: 'ignore',
    logger: false,
    // A path Fastify cannot decode (malformed percent-encoding) is answered as every refusal is,
    // and logged here: no route, so no route's hooks, ever sees it.
    frameworkErrors: (_error: Error, request: FastifyRequest, reply: FastifyReply) => {
      sendProblem(reply, new RequestRejectedError(400, 'Invalid request', [{ field: 'path', reason: 'is not a valid URL: malformed percent-encoding' }]), logger);
      access.record?.(request, reply);
    },
  });
  // JSON only: no form or plain-text bodies (they are answered 415).
  adapter.getInstance().removeContentTypeParser('text/plain');
  const app = await NestFactory.create<NestFastifyApplication>(root, adapter, {
    logger: new PinoNestLogger(logger),
    abortOnError: false,
    bodyParser: false,
  });
  app.useGlobalFilters(new ProblemFilter(logger));
  installInputGuards(adapter.getInstance(), logger);
  installRequestDecoding(adapter.getInstance(), logger);
  const accessLog = app.get<AccessLog>(ACCESS_LOG, { strict: false });
  access.record = (request, reply) => {
    const { apiKey } = request as unknown as AuthenticatedRequest;
    const path = request.url.split('?')[0]!;
    // Health checks are not API use; accepted appends (events, tracked messages) are recorded by the event log itself.
    const acceptedAppend = request.method === 'POST' && (path === '/v1/events' || isTrackingPath(path)) && reply.statusCode < 300;
    // Nor are the console's static files (its API calls are logged as any other).
    const consoleFile = path === '/' || path === '/app' || path.startsWith('/app/');
    if (path === '/health' || acceptedAppend || consoleFile) return;
    accessLog.record({
      at: new Date().toISOString(),
      keyId: apiKey?.id ?? null,
      role: apiKey?.role ?? null,
      method: request.method,
      route: request.routeOptions?.url ?? path,
      path,
      filters: (request.query ?? {}) as Record<string, unknown>,
      status: reply.statusCode,
      durationMs: Math.round(reply.elapsedTime * 100) / 100,
    });
  };
  adapter.getInstance().addHook('onResponse', (request, reply, done) => {
    access.record?.(request, reply);
    done();
  });
  app.enableShutdownHooks();
  const document = completeDocument(SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('journey')
      .setDescription(
        'The event-sourced customer-journey engine. Every route but /health and this description needs `Authorization: Bearer <api key>` (the Segment-compatible tracking routes also take the key as Basic user name); ' +
          'keys carry one role (ingest, marketing, auditor, admin; admin may use every route). Errors are application/problem+json.',
      )
      .setVersion('1')
      .build(),
  ));
  SwaggerModule.setup('docs', app, document, { jsonDocumentUrl: 'docs/openapi.json' });
  return app;
}

/** Listens on the configured host and port and returns where it listens (the bound port, when PORT is 0). */
export async function listen(app: NestFastifyApplication, host: string, port: number): Promise<{ readonly url: string; readonly port: number }> {
  await app.listen(port, host);
  const address = app.getHttpServer().address();
  const bound = typeof address === 'object' && address ? address.port : port;
  return { url: `http://${host}:${bound}`, port: bound };
}
