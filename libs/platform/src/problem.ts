import { HttpException, type ArgumentsHost, type ExceptionFilter, Catch } from '@nestjs/common';
import type { Logger } from 'pino';
import { isUnavailable } from '@journey/database';
import { AppendRejectedError, ConcurrencyError, StoreUnavailableError } from '@journey/event-store';

export interface FieldProblem {
  readonly field: string;
  readonly reason: string;
}

/** An RFC 9457 problem document. */
export interface Problem {
  readonly type: string;
  readonly title: string;
  readonly status: number;
  readonly detail?: string;
  readonly errors?: readonly FieldProblem[];
  readonly [extension: string]: unknown;
}

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

/** A request refused for what it contains; `errors` name the fields and the reasons. */
export class RequestRejectedError extends Error {
  readonly type = 'request-rejected' as const;
  constructor(
    readonly status: 400 | 401 | 403 | 404 | 409 | 413 | 415 | 429,
    readonly title: string,
    readonly errors: readonly FieldProblem[] = [],
    readonly extensions: Readonly<Record<string, unknown>> = {},
  ) {
    super(errors.length ? `${title}: ${errors.map((e) => `${e.field} ${e.reason}`).join('; ')}` : title);
    this.name = 'RequestRejectedError';
  }
}

const TYPE = 'urn:journey:problem:';

/** Every error the HTTP layer can meet, as the problem the client sees, and extra headers. */
export function toProblem(error: unknown): { problem: Problem; headers: Record<string, string>; internal: boolean } {
  if (error instanceof RequestRejectedError) {
    return {
      problem: { type: TYPE + slug(error.title), title: error.title, status: error.status, errors: error.errors, ...error.extensions },
      headers:
        error.status === 401
          ? { 'www-authenticate': 'Bearer realm="journey"' }
          : error.status === 429
            ? { 'retry-after': String(error.extensions.retryAfter ?? 1) }
            : {},
      internal: false,
    };
  }
  if (error instanceof ConcurrencyError) {
    return {
      problem: {
        type: TYPE + 'version-conflict',
        title: 'Version conflict',
        status: 409,
        detail: error.message,
        streamId: error.streamId,
        expectedVersion: error.expected,
        actualVersion: error.actual,
      },
      headers: {},
      internal: false,
    };
  }
  // Any route that meets a database that went away, whether or not its code says so: 503, not 500.
  if (error instanceof StoreUnavailableError || isUnavailable(error)) {
    return {
      problem: {
        type: TYPE + 'unavailable',
        title: 'Event store unavailable',
        status: 503,
        detail:
          'The database did not answer. Events sent with this request may or may not have been committed: ' +
          'retrying with the same event ids is safe, as those already committed are answered as duplicates.',
      },
      headers: { 'retry-after': '1' },
      internal: false,
    };
  }
  if (error instanceof AppendRejectedError) {
    return {
      problem: { type: TYPE + 'append-rejected', title: 'Events refused by the store', status: 400, detail: error.message },
      headers: {},
      internal: false,
    };
  }
  // Errors Fastify raised before our handlers ran arrive wrapped by Nest; the cause has the code.
  const framework = (error instanceof HttpException && error.cause ? error.cause : error) as {
    statusCode?: unknown;
    code?: unknown;
    message?: unknown;
  };
  if (error instanceof HttpException && framework === error) {
    const status = error.getStatus();
    return { problem: { type: 'about:blank', title: error.message, status }, headers: {}, internal: status >= 500 };
  }
  if (typeof framework?.statusCode === 'number' && framework.statusCode >= 400 && framework.statusCode < 500) {
    return { problem: frameworkProblem(framework.statusCode, framework.code, framework.message), headers: {}, internal: false };
  }
  return {
    problem: { type: 'about:blank', title: 'Internal Server Error', status: 500 },
    headers: {},
    internal: true,
  };
}

/** Errors raised before our handlers run: body too large, not JSON, wrong content type. */
function frameworkProblem(status: number, code: unknown, message: unknown): Problem {
  switch (code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return { type: TYPE + 'too-large', title: 'Request too large', status: 413, errors: [{ field: 'body', reason: 'is larger than 5 MiB' }] };
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return {
        type: TYPE + 'unsupported-media-type',
        title: 'Unsupported media type',
        status: 415,
        errors: [{ field: 'content-type', reason: 'must be application/json' }],
      };
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return { type: TYPE + 'invalid-json', title: 'Invalid JSON', status: 400, errors: [{ field: 'body', reason: 'is not valid JSON' }] };
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return { type: TYPE + 'invalid-json', title: 'Invalid JSON', status: 400, errors: [{ field: 'body', reason: 'is empty' }] };
    default: {
      const text = typeof message === 'string' ? message : 'Bad request';
      const json = /JSON|Unexpected|token/i.test(text);
      return json
        ? { type: TYPE + 'invalid-json', title: 'Invalid JSON', status, errors: [{ field: 'body', reason: `is not valid JSON: ${text}` }] }
        : { type: 'about:blank', title: text, status };
    }
  }
}

function slug(title: string): string {
  return title.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '');
}

interface ReplyLike {
  status(code: number): ReplyLike;
  header(name: string, value: string): ReplyLike;
  send(body: unknown): unknown;
}

/** The one place errors become HTTP responses. */
@Catch()
export class ProblemFilter implements ExceptionFilter {
  constructor(private readonly logger: Logger) {}

  catch(error: unknown, host: ArgumentsHost): void {
    const reply = host.switchToHttp().getResponse<ReplyLike>();
    sendProblem(reply, error, this.logger);
  }
}

export function sendProblem(reply: ReplyLike, error: unknown, logger: Logger): void {
  const { problem, headers, internal } = toProblem(error);
  if (internal) logger.error({ err: error }, 'request failed');
  reply.status(problem.status).header('content-type', PROBLEM_CONTENT_TYPE);
  for (const [name, value] of Object.entries(headers)) reply.header(name, value);
  reply.send(JSON.stringify(problem));
}
