import { CUSTOMER_STREAM_PREFIX } from '@journey/contracts';
import { foldEvents, type Customer360, type LifecycleThresholds } from '@journey/domain';
import type { AppendRequest, AppendResult, RecordedEvent, UnitOfWork } from '@journey/event-store';
import type { Queryable } from '@journey/database';
import { loadCustomers, loadVisitors, saveCustomers, saveVisitors, type ProjectionTables, type SaveMode } from './customer-360.table';
import type { CustomerDecider, DeciderBatch } from './customer-decider';
import { stageChangedEvent } from './derived-events';

export interface BatchContext {
  readonly tables: ProjectionTables;
  readonly lifecycle: LifecycleThresholds;
  /** Appends derived events by the time the batch commits (a unit's appendDerived); absent during a rebuild. */
  readonly appendDerived?: (requests: readonly AppendRequest[]) => Promise<AppendResult>;
  /** Run on the state each event left, writing in the same unit (absent during a rebuild). */
  readonly deciders?: readonly CustomerDecider[];
  /** `changed` (the default) writes only the columns that changed; `whole` rewrites every column. */
  readonly save?: SaveMode;
}

export interface BatchResult {
  readonly customers: number;
  readonly derived: number;
}

/**
 * One batch of the customer pass, inside the unit of work that moves the checkpoint: the touched
 * customers and visitors are loaded (and locked) in one query each, each decider loads what it
 * remembers once, the events are folded in order with the domain's fold (visitor merge
 * included) and each is handed to the deciders with the state it left; then the rows, the
 * deciders' rows and events, and the lifecycle transitions the batch caused are written. A crash
 * anywhere rolls everything back with the checkpoint. The transitions are appended beside the
 * unit (appendDerived), as the lifecycle clock appends its own: their ids are derived from the
 * customer and the transition, so a batch run again after a crash finds them stored.
 */
export async function projectBatch(events: readonly RecordedEvent[], unit: UnitOfWork<Queryable>, context: BatchContext): Promise<BatchResult> {
  const tx = unit.state;
  const customerIds = new Set<string>();
  const anonymousIds = new Set<string>();
  for (const event of events) {
    if (event.customerId !== undefined) customerIds.add(event.customerId);
    else if (event.anonymousId !== undefined) anonymousIds.add(event.anonymousId);
    if (event.type === 'IdentityLinked') anonymousIds.add(event.data.anonymousId);
  }
  const visitors = await loadVisitors(tx, context.tables, [...anonymousIds]);
  for (const visitor of visitors.values()) if (visitor.customerId) customerIds.add(visitor.customerId);
  const ids = [...customerIds];
  const customers = await loadCustomers(tx, context.tables, ids);
  const before = new Map<string, Customer360>(customers);

  const batches: DeciderBatch[] = [];
  for (const decider of context.deciders ?? []) batches.push(await decider.begin(unit, { customerIds: ids, events }));
  const onFolded = batches.length === 0 ? undefined : (event: RecordedEvent, customer: Customer360) => {
    for (const batch of batches) batch.decide(event, customer);
  };

  const { changedCustomers, changedVisitors, transitions } = foldEvents(events, { customers, visitors }, context.lifecycle, onFolded);

  await saveVisitors(tx, context.tables, [...changedVisitors].map((id) => visitors.get(id)!));
  await saveCustomers(
    tx,
    context.tables,
    [...changedCustomers].map((id) => ({ before: before.get(id), after: customers.get(id)! })),
    context.save,
  );

  // The stage changes go beside the unit before the deciders write: a decider may append in the
  // unit (locking the customer's stream until it commits), which an append beside it would wait for.
  let derived = 0;
  if (context.appendDerived && transitions.length > 0) {
    const byStream = new Map<string, AppendRequest['events'][number][]>();
    for (const { customerId, transition } of transitions) {
      const streamId = CUSTOMER_STREAM_PREFIX + customerId;
      const list = byStream.get(streamId) ?? [];
      list.push(stageChangedEvent(customerId, transition));
      byStream.set(streamId, list);
    }
    const { outcomes } = await context.appendDerived([...byStream].map(([streamId, list]) => ({ streamId, events: list })));
    derived = outcomes.filter((outcome) => outcome.status === 'appended').length;
  }
  for (const batch of batches) await batch.flush();
  return { customers: changedCustomers.size, derived };
}
