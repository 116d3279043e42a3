import type { Database, Queryable } from '@journey/database';
import type { EventStore } from '@journey/event-store';
import { rebuildCustomerProjection, type RebuildOptions, type RebuildReport } from '../rebuild';
import { rebuildCustomerItems, type ItemsRebuildOptions } from '../rebuild-items';
import { recordJob } from './job-recorder';

/**
 * The customer projection rebuilt from the whole log and swapped in, recorded in journey.jobs:
 * events folded of the log's last position when it started (the log grows meanwhile, so the
 * total follows the count when it passes it).
 */
export async function rebuildCustomerProjectionJob(db: Database, store: EventStore<Queryable>, options: RebuildOptions, trigger: string): Promise<RebuildReport> {
  const total = (await store.lastCommitted()).position;
  return recordJob(
    db,
    { kind: 'projection-rebuild', trigger, total },
    (progress) =>
      rebuildCustomerProjection(db, store, {
        ...options,
        onProgress: (events) => {
          progress(events, Math.max(total, events));
          options.onProgress?.(events);
        },
      }),
    (report) => ({ events: report.events, seconds: report.seconds, position: report.position }),
  );
}

/** What the customer-items subscription keeps (items, the similarity's sums) rebuilt from the whole log and swapped in, recorded in journey.jobs. */
export async function rebuildCustomerItemsJob(db: Database, store: EventStore<Queryable>, options: ItemsRebuildOptions, trigger: string): Promise<RebuildReport> {
  const total = (await store.lastCommitted()).position;
  return recordJob(
    db,
    { kind: 'projection-rebuild', trigger, total },
    (progress) =>
      rebuildCustomerItems(db, store, {
        ...options,
        onProgress: (events) => {
          progress(events, Math.max(total, events));
          options.onProgress?.(events);
        },
      }),
    (report) => ({ events: report.events, seconds: report.seconds, position: report.position }),
  );
}
