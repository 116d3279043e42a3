import { randomUUID } from 'node:crypto';
import { streamIdOf, type EventType, type JourneyEvent } from '@journey/contracts';
import { PostgresEventStore } from '@journey/event-store/postgres';
import { type Database } from '@journey/database';
import { DEFAULT_PROJECTION_OPTIONS, type ProjectionOptions } from '@journey/platform';
import { fromRow, LIVE_TABLES, Projector } from '@journey/projections';
import type { Customer360 } from '@journey/domain';
import { SAMPLE_DATA } from './sample-events';

/** A store and a projector on a test database, with a clock the test moves. */
export class ProjectionHarness {
  readonly store: PostgresEventStore;
  readonly projector: Projector;
  now = new Date('2026-06-01T00:00:00Z');
  readonly options: ProjectionOptions;

  constructor(readonly db: Database, options: Partial<ProjectionOptions> = {}) {
    this.store = new PostgresEventStore(db, { clock: () => new Date() });
    this.options = {
      ...DEFAULT_PROJECTION_OPTIONS,
      clockIntervalMs: 0,
      rfmIntervalMs: 0,
      predictions: { ...DEFAULT_PROJECTION_OPTIONS.predictions, intervalMs: 0 },
      batchSize: 500,
      ...options,
    };
    this.projector = new Projector(db, this.store, this.options, () => this.now);
  }

  start(): void {
    this.projector.start();
  }

  async close(): Promise<void> {
    await this.projector.stop();
    await this.store.close();
  }

  /** Appends events (envelopes as upstream apps send them) to their streams, in order. */
  async publish(...events: JourneyEvent[]): Promise<void> {
    for (const event of events) await this.store.append(streamIdOf(event), [event]);
  }

  async settle(): Promise<void> {
    await this.projector.caughtUp();
  }

  async customer(customerId: string): Promise<Customer360 | undefined> {
    const { rows } = await this.db.query(`SELECT * FROM ${LIVE_TABLES.customers} WHERE customer_id = $1`, [customerId]);
    return rows[0] ? fromRow(rows[0] as Parameters<typeof fromRow>[0]) : undefined;
  }

  /** Every row of both read models, in key order, as JSON: what "equal models" compares. */
  async dump(): Promise<string> {
    const customers = await this.db.query(`SELECT * FROM ${LIVE_TABLES.customers} ORDER BY customer_id`);
    const visitors = await this.db.query(`SELECT * FROM ${LIVE_TABLES.visitors} ORDER BY anonymous_id`);
    return JSON.stringify({ customers: customers.rows, visitors: visitors.rows });
  }

  async eventsOfType(streamId: string, type: EventType): Promise<JourneyEvent[]> {
    return (await this.store.readStream(streamId)).filter((e) => e.type === type);
  }
}

/** A valid envelope for a customer (or, with `visitor`, for an anonymous visitor). */
export function customerEvent<T extends EventType>(
  type: T,
  owner: { customerId: string } | { anonymousId: string },
  occurredAt: string,
  data: Record<string, unknown> = SAMPLE_DATA[type],
): JourneyEvent {
  return { eventId: randomUUID(), type, version: 1, ...owner, occurredAt, source: 'test', data: structuredClone(data), metadata: {} } as JourneyEvent;
}

export function purchase(customerId: string, occurredAt: string, total = 10_000, currency = 'EUR', orderId = `o-${randomUUID().slice(0, 8)}`): JourneyEvent {
  return customerEvent('PurchaseCompleted', { customerId }, occurredAt, {
    orderId,
    items: [{ sku: 'SKU-1', category: 'shoes', quantity: 1, unitPrice: total }],
    total,
    currency,
  });
}
