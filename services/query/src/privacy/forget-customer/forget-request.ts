import { RequestRejectedError } from '@journey/platform';

/** The optional `{reason}` of a forget request: absent, or a text of 1 to 200 characters. */
export function forgetReason(body: unknown): string | undefined {
  if (body === undefined || body === null || (typeof body === 'object' && Object.keys(body).length === 0)) return undefined;
  const reason = (body as { reason?: unknown }).reason;
  const extra = Object.keys(body as object).filter((key) => key !== 'reason');
  if (typeof body !== 'object' || extra.length > 0 || (reason !== undefined && (typeof reason !== 'string' || reason.length < 1 || reason.length > 200))) {
    throw new RequestRejectedError(400, 'Invalid request', [{ field: extra[0] ?? 'reason', reason: extra.length ? 'is not a known field' : 'must be a text of 1 to 200 characters' }]);
  }
  return reason;
}
