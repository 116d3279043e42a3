import { Inject } from '@nestjs/common';
import { QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { CUSTOMER_STREAM_PREFIX, VISITOR_STREAM_PREFIX } from '@journey/contracts';
import { customer360View } from '@journey/domain';
import { EVENT_STORE, type EventStore } from '@journey/event-store';
import type { Database } from '@journey/database';
import type { PiiVault } from '@journey/privacy';
import { CLOCK, CONFIG, DATABASE, RequestRejectedError, VAULT, type Clock, type JourneyConfig } from '@journey/platform';
import { identitiesOf, liveCustomer } from '@journey/projections';
import { ExportCustomerQuery, type CustomerExport } from './export-customer.query';
import { actionsFor, decisionsAbout } from './journey-records';

@QueryHandler(ExportCustomerQuery)
export class ExportCustomerHandler implements IQueryHandler<ExportCustomerQuery> {
  constructor(
    @Inject(DATABASE) private readonly db: Database,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(VAULT) private readonly vault: PiiVault,
    @Inject(CONFIG) private readonly config: JourneyConfig,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async execute({ customerId }: ExportCustomerQuery): Promise<CustomerExport> {
    const customer = await liveCustomer(this.db, customerId);
    const own = await this.store.readStream(CUSTOMER_STREAM_PREFIX + customerId);
    const identities = await identitiesOf(this.db, customerId, own);
    const streams = own.length > 0 ? [{ streamId: CUSTOMER_STREAM_PREFIX + customerId, events: own }] : [];
    for (const streamId of identities.map((id) => VISITOR_STREAM_PREFIX + id)) {
      const events = await this.store.readStream(streamId);
      if (events.length > 0) streams.push({ streamId, events });
    }
    if (!customer && streams.length === 0) {
      throw new RequestRejectedError(404, 'Customer not found', [{ field: 'customerId', reason: `nothing is held about customer ${customerId}` }]);
    }
    const decisions = await decisionsAbout(this.db, customerId);
    const actions = await actionsFor(this.db, customerId);
    const forgotten = (await this.vault.forgotten(this.db, [CUSTOMER_STREAM_PREFIX + customerId])).size > 0;
    return {
      customerId,
      exportedAt: this.clock().toISOString(),
      forgotten,
      customer360: customer ? customer360View(customer, this.config.projections.rates) : null,
      identities,
      streams,
      decisions,
      actions,
    };
  }
}
