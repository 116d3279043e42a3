import { CUSTOMER_STREAM_PREFIX } from '@journey/contracts';
import type { LifecycleThresholds } from '@journey/domain';
import type { AppendRequest, AppendResult, RecordedEvent } from '@journey/event-store';
import type { Queryable } from '@journey/database';
import { createVisitorRows, loadCustomers, loadVisitors, saveCustomers, saveVisitors, type ProjectionTables } from './customer-360.table';
import { stageChangedEvent } from './derived-events';
import { foldEvents } from './fold';

export interface BatchContext {
  readonly tables: ProjectionTables;
  readonly lifecycle: LifecycleThresholds;
  /** Appends derived events by the time the batch commits (a unit's appendDerived); absent during a rebuild. */
  readonly appendDerived?: (requests: readonly AppendRequest[]) => Promise<AppendResult>;
}

export interface BatchResult {
  readonly customers: number;
  readonly derived: number;
}

/**
 * One projector batch, inside the transaction that moves the checkpoint: the touched customers
 * and visitors are loaded (and locked) in one query each, the events folded in order with the
 * pure reducers, the rows written back in one statement each, and the lifecycle transitions the
 * batch caused appended as events. A crash anywhere rolls the read models back with the
 * checkpoint. The transitions are appended beside this transaction (appendDerived), as the
 * lifecycle clock appends its own: their ids are derived from the customer and the transition,
 * so a batch run again after a crash finds them stored, and the transaction neither locks the
 * streams ingest is writing nor waits for their writers.
 */
export async function projectBatch(events: readonly RecordedEvent[], tx: Queryable, context: BatchContext): Promise<BatchResult> {
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
  const customers = await loadCustomers(tx, context.tables, [...customerIds]);

  const { changedCustomers, changedVisitors, transitions } = foldEvents(events, { customers, visitors }, context.lifecycle);

  await saveVisitors(tx, context.tables, [...changedVisitors].map((id) => visitors.get(id)!));
  await saveCustomers(tx, context.tables, [...changedCustomers].map((id) => customers.get(id)!));

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
  return { customers: changedCustomers.size, derived };
}

