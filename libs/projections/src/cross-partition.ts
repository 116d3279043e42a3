import { CUSTOMER_STREAM_PREFIX } from '@journey/contracts';
import type { Queryable } from '@journey/database';
import { cursorOf, isBefore, partitionKeyOfStream, type GlobalCursor, type RecordedEvent } from '@journey/event-store';

interface LinkRow {
  readonly anonymous_id: string;
  readonly stream_id: string;
  readonly tx_id: number | string;
  readonly global_position: number | string;
}

/** An IdentityLinked of the log: the customer (its partition key), the visitor, and where it stands. */
interface Link {
  readonly customerId: string;
  readonly anonymousId: string;
  readonly at: GlobalCursor;
}

/**
 * The partition keys, beyond the event's own, whose events fold into the rows that folding each
 * event reads or writes (see docs/design.md, "Partitions and linked visitors"). A linked
 * customer's row takes events from the customer's partition and from each linked visitor's, so
 * each event of that row waits until every one of those partitions has passed it, and the row
 * folds them in the global order, as a single pass does:
 * - a customer's event waits for the partitions of the visitors linked to the customer before it
 *   (a visitor's event folded into the customer before this one is folded first);
 * - a visitor's event with a link before it belongs to the linked customer: it waits for the
 *   customer's partition and the partitions of the customer's other visitors;
 * - an IdentityLinked merges the visitor's row: it waits for the visitor's partition (the
 *   visitor's history before the link) and for the customers of the visitor's earlier links
 *   (the visitor joins the first customer it is linked to: those links are folded first).
 * The links are read from the log (indexes of IdentityLinked by anonymous id and by stream), so
 * an event waits only when a link is actually there.
 */
export async function customerCrossPartition(events: readonly RecordedEvent[], tx: Queryable): Promise<ReadonlyArray<readonly string[]>> {
  const anonymousIds = new Set<string>();
  const customerIds = new Set<string>();
  for (const event of events) {
    if (event.type === 'IdentityLinked') anonymousIds.add(event.data.anonymousId);
    if (event.customerId !== undefined) customerIds.add(event.customerId);
    else if (event.anonymousId !== undefined) anonymousIds.add(event.anonymousId);
  }
  const byVisitor = new Map<string, Link[]>();
  const byCustomer = new Map<string, Link[]>();
  const seen = new Set<string>();
  const add = (rows: readonly LinkRow[]): void => {
    for (const row of rows) {
      if (seen.has(String(row.global_position))) continue;
      seen.add(String(row.global_position));
      const link = { customerId: partitionKeyOfStream(row.stream_id), anonymousId: row.anonymous_id, at: { commit: Number(row.tx_id), position: Number(row.global_position) } };
      byVisitor.set(link.anonymousId, [...(byVisitor.get(link.anonymousId) ?? []), link]);
      byCustomer.set(link.customerId, [...(byCustomer.get(link.customerId) ?? []), link]);
    }
  };
  if (anonymousIds.size > 0) {
    add(
      (
        await tx.query<LinkRow>(
          `SELECT data->>'anonymousId' AS anonymous_id, stream_id, tx_id, global_position FROM journey.events
           WHERE type = 'IdentityLinked' AND data->>'anonymousId' = ANY($1::text[])`,
          [[...anonymousIds]],
        )
      ).rows,
    );
  }
  // The customers whose rows the batch folds into: its own and those its visitors are linked to.
  for (const links of byVisitor.values()) for (const link of links) customerIds.add(link.customerId);
  if (customerIds.size > 0) {
    add(
      (
        await tx.query<LinkRow>(
          `SELECT data->>'anonymousId' AS anonymous_id, stream_id, tx_id, global_position FROM journey.events
           WHERE type = 'IdentityLinked' AND stream_id = ANY($1::text[])`,
          [[...customerIds].map((id) => CUSTOMER_STREAM_PREFIX + id)],
        )
      ).rows,
    );
  }

  const before = (links: readonly Link[] | undefined, at: GlobalCursor): Link[] => (links ?? []).filter((link) => isBefore(link.at, at));
  /** The partitions folding into the customer's row up to `at`: the customer's and its visitors'. */
  const rowKeys = (customerId: string, at: GlobalCursor, keys: Set<string>): void => {
    keys.add(customerId);
    for (const link of before(byCustomer.get(customerId), at)) keys.add(link.anonymousId);
  };
  return events.map((event) => {
    const at = cursorOf(event);
    const keys = new Set<string>();
    if (event.customerId !== undefined) {
      rowKeys(event.customerId, at, keys);
      if (event.type === 'IdentityLinked') {
        keys.add(event.data.anonymousId);
        for (const link of before(byVisitor.get(event.data.anonymousId), at)) keys.add(link.customerId);
      }
      keys.delete(event.customerId);
    } else if (event.anonymousId !== undefined) {
      for (const link of before(byVisitor.get(event.anonymousId), at)) rowKeys(link.customerId, at, keys);
      keys.delete(event.anonymousId);
    }
    return [...keys];
  });
}
