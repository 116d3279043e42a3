import { createBrotliDecompress, createGunzip, createInflate, type Gunzip } from 'node:zlib';
import type { FastifyInstance } from 'fastify';
import type { Logger } from './logger';
import { RequestRejectedError, sendProblem } from './problem';
import { isTrackingPath } from './tracking-routes';


type Decoder = Gunzip & { receivedEncodedLength?: number };

/**
 * Bodies sent with `Content-Encoding: gzip` (as the tracking SDKs send them), `deflate` or `br`
 * are decoded before parsing. The body limit holds for the decoded bytes, so a small bomb that
 * inflates past it is refused (413); an encoding not understood is answered 415.
 */
export function installRequestDecoding(fastify: FastifyInstance, logger: Logger): void {
  // Segment's tracking routes read the body as JSON whatever its type says: RudderStack's SDK sends gzip bodies without one.
  fastify.addHook('onRequest', (request, _reply, done) => {
    const type = request.headers['content-type'];
    if (isTrackingPath(request.url) && (type === undefined || !/json/i.test(type))) request.headers['content-type'] = 'application/json';
    done();
  });
  fastify.addHook('preParsing', (request, reply, payload, done) => {
    const encoding = String(request.headers['content-encoding'] ?? 'identity').trim().toLowerCase();
    if (encoding === 'identity') return done(null, payload);
    const decoder = (encoding === 'gzip' || encoding === 'x-gzip' ? createGunzip() : encoding === 'deflate' ? createInflate() : encoding === 'br' ? createBrotliDecompress() : undefined) as Decoder | undefined;
    if (!decoder) {
      return sendProblem(
        reply,
        new RequestRejectedError(415, 'Unsupported media type', [{ field: 'content-encoding', reason: `${encoding} is not supported: send gzip, deflate, br or no encoding` }]),
        logger,
      );
    }
    // Fastify compares the bytes received on the wire, not the decoded ones, with Content-Length.
    decoder.receivedEncodedLength = 0;
    payload.on('data', (chunk: Buffer) => {
      decoder.receivedEncodedLength = (decoder.receivedEncodedLength ?? 0) + chunk.length;
    });
    payload.on('error', (error) => decoder.destroy(error));
    decoder.on('error', (error: Error & { statusCode?: number }) => {
      error.statusCode ??= 400;
    });
    done(null, payload.pipe(decoder));
  });
}
