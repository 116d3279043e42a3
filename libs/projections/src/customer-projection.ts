import { CUSTOMER_STREAM_PREFIX } from '@journey/contracts';
import { foldEvents, settledWhen, type Customer360, type LifecycleThresholds } from '@journey/domain';
import type { AppendRequest, RecordedEvent, UnitOfWork } from '@journey/event-store';
import type { Queryable } from '@journey/database';
import { createVisitorRows, loadCustomers, loadVisitors, saveCustomers, saveVisitors, settledInRows, type ProjectionTables, type SaveMode, type SettledCheck } from './customer-360.table';
import type { CustomerDecider, DeciderBatch } from './customer-decider';
import { stageChangedEvent } from './derived-events';
import { forgetLinkedVisitors } from './forget';
import { SegmentStore } from './segments/segment-store';
import { segmentPass } from './segments/segment-pass';
import { segmentPredictions } from './segments/segment-predictions';
import { membershipRequests, recordDaily } from './segments/segment-writer';

export interface BatchContext {
  readonly tables: ProjectionTables;
  readonly lifecycle: LifecycleThresholds;
  /** Records derived events to append once the batch commits (a unit's appendAfterCommit); absent during a rebuild. */
  readonly appendAfterCommit?: (requests: readonly AppendRequest[]) => Promise<void>;
  /** Run on the state each event left, writing in the same unit (absent during a rebuild). */
  readonly deciders?: readonly CustomerDecider[];
  /** `changed` (the default) writes only the columns that changed; `whole` rewrites every column. */
  readonly save?: SaveMode;
}

export interface BatchResult {
  readonly customers: number;
  /** Stage changes and membership changes recorded for appending after the commit. */
  readonly derived: number;
}

/**
 * One batch of the customer pass, inside the unit of work that moves the checkpoint: the touched
 * customers and visitors are loaded (and locked) in one query each, each decider loads what it
 * remembers once, the events are folded in order with the domain's fold (visitor merge
 * included) and each is handed to the deciders with the state it left; then the rows, the
 * deciders' rows and events, and the lifecycle transitions and membership changes the batch
 * caused are written. A crash anywhere rolls everything back with the checkpoint. The transitions
 * and membership changes are recorded in the unit and appended once it commits
 * (appendAfterCommit): the log never holds a change whose row rolled back, which the clock or a
 * backfill could then decide otherwise under the same id.
 */
export async function projectBatch(read: readonly RecordedEvent[], unit: UnitOfWork<Queryable>, context: BatchContext): Promise<BatchResult> {
  const tx = unit.state;
  const events = context.appendAfterCommit ? await withoutSettled(read, tx, context) : read;
  if (events.length === 0) return { customers: 0, derived: 0 };
  const customerIds = new Set<string>();
  const anonymousIds = new Set<string>();
  const linked = new Set<string>();
  for (const event of events) {
    if (event.customerId !== undefined) customerIds.add(event.customerId);
    else if (event.anonymousId !== undefined) anonymousIds.add(event.anonymousId);
    if (event.type === 'IdentityLinked') linked.add(event.data.anonymousId);
  }
  for (const id of linked) anonymousIds.add(id);
  await createVisitorRows(tx, context.tables, [...linked]);
  const visitors = await loadVisitors(tx, context.tables, [...anonymousIds]);
  for (const visitor of visitors.values()) if (visitor.customerId) customerIds.add(visitor.customerId);
  const ids = [...customerIds];
  const customers = await loadCustomers(tx, context.tables, ids);
  const before = new Map<string, Customer360>(customers);

  // Live membership is decided only by the live pass; a rebuild folds the memberships recorded.
  // The definitions are read after the rows are locked: a segment saved before this read is
  // judged here, one saved after it is backfilled on rows this batch has committed.
  const live = context.appendAfterCommit ? await SegmentStore.live(tx) : undefined;
  const segments = live ? segmentPass(live, await segmentPredictions(tx, live, ids)) : undefined;
  const batches: DeciderBatch[] = [];
  for (const decider of context.deciders ?? []) batches.push(await decider.begin(unit, { customerIds: ids, events }));
  const onFolded = batches.length === 0 ? undefined : (event: RecordedEvent, customer: Customer360) => {
    for (const batch of batches) batch.decide(event, customer);
  };

  const { changedCustomers, changedVisitors, transitions } = foldEvents(events, { customers, visitors }, context.lifecycle, onFolded, segments?.afterEvent);
  segments?.settle(customers);

  await saveVisitors(tx, context.tables, [...changedVisitors].map((id) => visitors.get(id)!));
  await saveCustomers(
    tx,
    context.tables,
    [...changedCustomers].map((id) => ({ before: before.get(id), after: customers.get(id)! })),
    context.save,
  );
  if (segments) await recordDaily(tx, segments.changes);
  await forgetLinkedVisitors(tx, events, customers);
  // Recorded before the deciders' events, so that each stream holds them in that order.
  const derived = await recordDerived(context, transitions, segments?.changes ?? []);
  for (const batch of batches) await batch.flush();
  return { customers: changedCustomers.size, derived };
}

/**
 * The live batch without the customers whose every event is a derived one that would change
 * nothing and that no decider heeds: a stage change, an action's record or a membership change
 * the pass (or the clock, or a backfill) recorded in the customer's row while appending it.
 * Those customers are not loaded and locked again for them. A customer the batch loads anyway
 * keeps its events (folded, they change nothing). A rebuild folds every event.
 */
async function withoutSettled(events: readonly RecordedEvent[], tx: Queryable, context: BatchContext): Promise<readonly RecordedEvent[]> {
  if (!events.some((event) => event.customerId !== undefined && settledWhen(event))) return events;
  const heeds = await Promise.all((context.deciders ?? []).map((decider) => decider.heeds?.() ?? (() => true)));
  // Per customer, what its row must hold; a customer with any other event is loaded anyway.
  const checks = new Map<string, SettledCheck[]>();
  const loaded = new Set<string>();
  for (const event of events) {
    const customerId = event.customerId;
    if (customerId === undefined || loaded.has(customerId)) continue;
    const when = settledWhen(event);
    if (!when || heeds.some((heed) => heed(event.type))) {
      loaded.add(customerId);
      checks.delete(customerId);
      continue;
    }
    const list = checks.get(customerId);
    if (list) list.push({ customerId, ...when });
    else checks.set(customerId, [{ customerId, ...when }]);
  }
  if (checks.size === 0) return events;
  const asked = [...checks.values()].flat();
  const settled = await settledInRows(tx, context.tables, asked);
  const skipped = new Set(checks.keys());
  asked.forEach((check, index) => settled.has(index) || skipped.delete(check.customerId));
  return skipped.size === 0 ? events : events.filter((event) => event.customerId === undefined || !skipped.has(event.customerId));
}

/** Records the stage changes and membership changes a batch caused (nothing during a rebuild); resolves to how many. */
async function recordDerived(context: BatchContext, transitions: ReturnType<typeof foldEvents>['transitions'], changes: Parameters<typeof membershipRequests>[0]): Promise<number> {
  if (!context.appendAfterCommit || (transitions.length === 0 && changes.length === 0)) return 0;
  const byStream = new Map<string, AppendRequest['events'][number][]>();
  for (const { customerId, transition } of transitions) {
    const streamId = CUSTOMER_STREAM_PREFIX + customerId;
    const list = byStream.get(streamId) ?? [];
    list.push(stageChangedEvent(customerId, transition));
    byStream.set(streamId, list);
  }
  for (const request of membershipRequests(changes)) {
    const list = byStream.get(request.streamId);
    if (list) list.push(...request.events);
    else byStream.set(request.streamId, [...request.events]);
  }
  await context.appendAfterCommit([...byStream].map(([streamId, list]) => ({ streamId, events: list })));
  return transitions.length + changes.length;
}
