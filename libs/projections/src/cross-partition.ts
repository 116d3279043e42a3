import type { Queryable } from '@journey/database';
import { cursorOf, isBefore, partitionKeyOfStream, type GlobalCursor, type RecordedEvent } from '@journey/event-store';

interface LinkRow {
  readonly anonymous_id: string;
  readonly stream_id: string;
  readonly tx_id: number | string;
  readonly global_position: number | string;
}

/**
 * The partition keys, beyond the event's own, whose rows folding each event touches (see
 * docs/design.md, "Partitions and linked visitors"):
 * - IdentityLinked (the customer's partition) merges the visitor's row: it waits until the
 *   visitor's partition has folded every visitor event before the link.
 * - A visitor's event with a link before it in the log belongs to the linked customer: it waits
 *   until the customer's partition has passed it, so the link is folded first and the event goes
 *   to the customer, as a single pass in the global order does.
 * The links are read from the log (an index of IdentityLinked by anonymous id), so a visitor
 * event waits only when a link is actually there.
 */
export async function customerCrossPartition(events: readonly RecordedEvent[], tx: Queryable): Promise<ReadonlyArray<readonly string[]>> {
  const visitorIds = [...new Set(events.filter((e) => e.customerId === undefined && e.anonymousId !== undefined).map((e) => e.anonymousId!))];
  const links = new Map<string, Array<{ readonly customerKey: string; readonly at: GlobalCursor }>>();
  if (visitorIds.length > 0) {
    const { rows } = await tx.query<LinkRow>(
      `SELECT data->>'anonymousId' AS anonymous_id, stream_id, tx_id, global_position FROM journey.events
       WHERE type = 'IdentityLinked' AND data->>'anonymousId' = ANY($1::text[])`,
      [visitorIds],
    );
    for (const row of rows) {
      const list = links.get(row.anonymous_id) ?? [];
      list.push({ customerKey: partitionKeyOfStream(row.stream_id), at: { commit: Number(row.tx_id), position: Number(row.global_position) } });
      links.set(row.anonymous_id, list);
    }
  }
  return events.map((event) => {
    if (event.type === 'IdentityLinked') return [event.data.anonymousId];
    if (event.customerId !== undefined || event.anonymousId === undefined) return [];
    const at = cursorOf(event);
    return (links.get(event.anonymousId) ?? []).filter((link) => isBefore(link.at, at)).map((link) => link.customerKey);
  });
}
