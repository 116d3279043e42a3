import { AppendRejectedError } from '../errors';
import type { AppendCall } from '../postgres/prepared-event';
import { CLAIM_STREAM_PREFIX } from './id-claims';

/**
 * Refuses a call one KurrentDB append cannot hold. The server takes each stream once per append
 * session and compares the names without letter case (StreamAlreadyInAppendSession, which the
 * client reports as a timeout), though it stores them as distinct streams: two names that differ
 * only in case cannot be appended together, all or nothing, so the caller must send them apart.
 * Names beginning like the id claims' are the adapter's own (their events are never read back).
 */
export function refuseUnsendableStreams(call: AppendCall): void {
  const byFolded = new Map<string, string>();
  for (const { streamId } of call.requests) {
    const folded = streamId.toLowerCase();
    if (folded.startsWith(CLAIM_STREAM_PREFIX)) {
      throw new AppendRejectedError(`stream ${streamId}: names beginning ${CLAIM_STREAM_PREFIX} are reserved for the event store's event-id claims`);
    }
    const earlier = byFolded.get(folded);
    if (earlier !== undefined && earlier !== streamId) {
      throw new AppendRejectedError(
        `streams ${earlier} and ${streamId} differ only in letter case: KurrentDB cannot append them in one call; append them in separate calls`,
      );
    }
    byFolded.set(folded, streamId);
  }
}
