import type { RecordedEvent } from '@journey/event-store';

/** Visitor events whose fold into a customer is counts and a latest instant: the order of folding does not matter. */
const COMMUTING_VISITOR_TYPES: ReadonlySet<string> = new Set(['PageViewed', 'ProductViewed', 'SearchPerformed', 'CartUpdated']);

/**
 * The partition keys, beyond the event's own, whose rows folding an event touches (see
 * docs/design.md, "Partitions and linked visitors"):
 * - IdentityLinked (the customer's partition) reads the visitor's row: it waits until the
 *   visitor's partition has folded every visitor event before the link.
 * - A visitor's browse events may be folded into the customer it is linked to, under that
 *   customer's row lock; they commute with the customer's own events, so they need not wait.
 * - A visitor's other events fold differently once linked (a purchase counts as an order): they
 *   wait until every partition has passed them, so a link committed before them is folded first.
 */
export function customerCrossPartition(event: RecordedEvent): readonly string[] | 'all' {
  if (event.type === 'IdentityLinked') return [event.data.anonymousId];
  if (event.customerId === undefined && event.anonymousId !== undefined && !COMMUTING_VISITOR_TYPES.has(event.type)) return 'all';
  return [];
}
