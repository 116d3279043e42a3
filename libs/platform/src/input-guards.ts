import type { FastifyInstance } from 'fastify';
import type { Logger } from './logger';
import { nulInUrl, foreignCharset, unstorableInBody } from './hostile-input';
import { RequestRejectedError, sendProblem } from './problem';
import { TRACKING_CALLS } from './tracking-routes';

/** Routes whose bodies the event contracts inspect themselves, event by event (a bad one is refused alone): events and Segment's calls. */
const CONTRACT_BODIES = new Set(['POST /v1/events', ...TRACKING_CALLS.map((call) => `POST /v1/${call}`)]);

/**
 * Refuses, before any route runs, input that no route could store or read correctly: a NUL in
 * the URL (400 naming where), a body in a charset other than UTF-8 (415 naming it), and a JSON
 * body holding a NUL or a lone surrogate (400 naming the field). One place for every route.
 */
export function installInputGuards(fastify: FastifyInstance, logger: Logger): void {
  fastify.addHook('onRequest', (request, reply, done) => {
    const nul = nulInUrl(request.url);
    if (nul) return sendProblem(reply, new RequestRejectedError(400, 'Invalid request', [nul]), logger);
    const charset = foreignCharset(request.headers['content-type']);
    if (charset !== undefined) {
      return sendProblem(
        reply,
        new RequestRejectedError(415, 'Unsupported media type', [{ field: 'content-type', reason: `charset ${charset} is not supported: send UTF-8` }]),
        logger,
      );
    }
    done();
  });
  fastify.addHook('preValidation', (request, reply, done) => {
    if (request.body === undefined || CONTRACT_BODIES.has(`${request.method} ${request.routeOptions.url}`)) return done();
    const problem = unstorableInBody(request.body);
    if (problem) return sendProblem(reply, new RequestRejectedError(400, 'Invalid request', [problem]), logger);
    done();
  });
}
