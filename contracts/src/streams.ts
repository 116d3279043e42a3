import type { EventEnvelope } from './envelope';

export const CUSTOMER_STREAM_PREFIX = 'customer-';
export const VISITOR_STREAM_PREFIX = 'visitor-';

/** The stream an event belongs to: `customer-<customerId>` or `visitor-<anonymousId>`. */
export function streamIdOf(event: Pick<EventEnvelope, 'customerId' | 'anonymousId'>): string {
  if (event.customerId !== undefined) return CUSTOMER_STREAM_PREFIX + event.customerId;
  if (event.anonymousId !== undefined) return VISITOR_STREAM_PREFIX + event.anonymousId;
  throw new Error('an event needs a customerId or an anonymousId');
}

/** The envelope's owner fields for a stream id that follows the naming convention. */
export function ownerOfStream(streamId: string): { customerId: string } | { anonymousId: string } | undefined {
  if (streamId.startsWith(CUSTOMER_STREAM_PREFIX)) return { customerId: streamId.slice(CUSTOMER_STREAM_PREFIX.length) };
  if (streamId.startsWith(VISITOR_STREAM_PREFIX)) return { anonymousId: streamId.slice(VISITOR_STREAM_PREFIX.length) };
  return undefined;
}
