import { Controller, Get, Inject, Param } from '@nestjs/common';
import { CUSTOMER_STREAM_PREFIX, VISITOR_STREAM_PREFIX } from '@journey/contracts';
import { customer360View, type Customer360View } from '@journey/domain';
import { EVENT_STORE, type Database, type EventStore, type RecordedEvent } from '@journey/event-store';
import { CONFIG, DATABASE, RequestRejectedError, type JourneyConfig } from '@journey/platform';
import { fromRow, LIVE_TABLES } from '@journey/projections';

interface RecentActivity {
  readonly eventId: string;
  readonly type: string;
  readonly occurredAt: string;
  readonly streamId: string;
  readonly data: unknown;
}

/** The customer 360 for marketing: the read model, and the recent activity from the streams. */
@Controller('v1/customers')
export class CustomersController {
  constructor(
    @Inject(DATABASE) private readonly db: Database,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(CONFIG) private readonly config: JourneyConfig,
  ) {}

  @Get(':customerId')
  async get(@Param('customerId') customerId: string): Promise<Customer360View & { recentActivity: readonly RecentActivity[] }> {
    const { rows } = await this.db.query(`SELECT * FROM ${LIVE_TABLES.customers} WHERE customer_id = $1`, [customerId]);
    if (rows.length === 0) {
      throw new RequestRejectedError(404, 'Customer not found', [{ field: 'customerId', reason: `no customer ${customerId} in the 360 (yet)` }]);
    }
    const customer = fromRow(rows[0] as Parameters<typeof fromRow>[0]);
    const view = customer360View(customer, this.config.projections.rates);
    return { ...view, recentActivity: view.forgotten ? [] : await this.recent(customerId, customer.identities) };
  }

  /** The last 20 events of the customer and of the visitors they were: the streams serve them. */
  private async recent(customerId: string, identities: readonly string[]): Promise<RecentActivity[]> {
    const streams = [CUSTOMER_STREAM_PREFIX + customerId, ...identities.map((id) => VISITOR_STREAM_PREFIX + id)];
    const events: RecordedEvent[] = [];
    for (const streamId of streams) events.push(...(await this.store.readStream(streamId, { backward: true, limit: 20 })));
    return events
      .sort((a, b) => b.occurredAt.localeCompare(a.occurredAt) || b.globalPosition - a.globalPosition)
      .slice(0, 20)
      .map((e) => ({ eventId: e.eventId, type: e.type, occurredAt: e.occurredAt, streamId: e.streamId, data: e.data }));
  }
}
