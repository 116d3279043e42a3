import { applyDecorators } from '@nestjs/common';
import { ApiBody, ApiResponse } from '@nestjs/swagger';

/**
 * What a route answers with a status, when its return type does not say it (a route that
 * replies through the raw response, or answers several statuses). The type argument is read by
 * infra/scripts/openapi-schemas.mjs; at run time only the statuses and the description remain.
 */
// eslint-disable-next-line @typescript-eslint/no-unused-vars
export function ApiAnswer<T>(status: number | readonly number[], options: { readonly description?: string; readonly contentType?: string } = {}): MethodDecorator {
  const statuses = typeof status === 'number' ? [status] : status;
  return applyDecorators(...statuses.map((s) => ApiResponse({ status: s, description: options.description ?? STATUS_TEXT[s] ?? String(s) })));
}

/**
 * The body a route takes, when its parameter is `unknown` (validated by its handler): the type
 * argument is read by the same script; the examples are shown, and sent by the OpenAPI test.
 */
// eslint-disable-next-line @typescript-eslint/no-unused-vars
export function ApiRequest<T>(options: { readonly examples?: Readonly<Record<string, { readonly summary: string; readonly value: unknown }>> } = {}): MethodDecorator {
  return ApiBody({ schema: { type: 'object' }, ...(options.examples ? { examples: options.examples as Record<string, { summary: string; value: unknown }> } : {}) });
}

/** Refusals a route answers beside those every route may (named in the document as problem+json). */
export function ApiProblems(...statuses: number[]): MethodDecorator & ClassDecorator {
  return applyDecorators(...statuses.map((s) => ApiResponse({ status: s, description: STATUS_TEXT[s] ?? String(s) })));
}

export const STATUS_TEXT: Readonly<Record<number, string>> = {
  200: 'OK',
  201: 'Created',
  202: 'Accepted: every event committed (or committed before: a duplicate)',
  204: 'Done; no body',
  207: 'Some accepted, some rejected: each result says which and why',
  400: 'The request is invalid: `errors` name each field and the reason',
  401: 'No live API key: send `Authorization: Bearer <key>`',
  403: 'The key\'s role may not use this route',
  404: 'Not found',
  409: 'Version conflict: the stream is not at the version expected',
  413: 'Too large for the route\'s limits',
  415: 'Unsupported media type or encoding: send JSON in UTF-8',
  429: 'Too many requests: wait for Retry-After (failed authentications, or ingest held while the pipeline lags)',
  500: 'Internal error (logged)',
  503: 'The database did not answer: retry later (resending the same event ids is safe)',
};
