import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { CUSTOMER_STREAM_PREFIX, VISITOR_STREAM_PREFIX } from '@journey/contracts';
import { derivedEvent } from '@journey/domain';
import { EVENT_STORE, type EventStore } from '@journey/event-store';
import type { Database } from '@journey/database';
import type { PiiVault } from '@journey/privacy';
import { scrubForgottenJourneys } from '@journey/journeys';
import { CLOCK, DATABASE, VAULT, type Clock } from '@journey/platform';
import { identitiesOf, scrubForgottenCustomer } from '@journey/projections';
import { ForgetCustomerCommand, type ForgetReport } from './forget-customer.command';

@CommandHandler(ForgetCustomerCommand)
export class ForgetCustomerHandler implements ICommandHandler<ForgetCustomerCommand> {
  constructor(
    @Inject(DATABASE) private readonly db: Database,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(VAULT) private readonly vault: PiiVault,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async execute({ customerId, reason }: ForgetCustomerCommand): Promise<ForgetReport> {
    const streamId = CUSTOMER_STREAM_PREFIX + customerId;
    // The links as the log holds them, not only as the read models have folded them so far; a link
    // appended later loses its key when the customer pass folds it.
    const stream = await this.store.readStream(streamId);
    const subjects = [streamId, ...(await identitiesOf(this.db, customerId, stream)).map((id) => VISITOR_STREAM_PREFIX + id)];
    // The keys first: once they are gone nothing sealed with them opens, whatever happens next.
    await this.vault.forget(subjects);
    const forgotten = derivedEvent('CustomerForgotten', {
      customerId,
      cause: [customerId, 'CustomerForgotten'],
      occurredAt: this.clock().toISOString(),
      data: reason ? { reason } : {},
    });
    const { outcomes } = await this.store.append(streamId, [forgotten]);
    const outcome = outcomes[0]!;
    // The id is the customer's own: a second request finds the first one's event in its place.
    const status = outcome.status === 'conflict' ? 'forgotten before' : outcome.status;
    const scrubbed = await this.db.transaction(async (tx) => {
      const found = await scrubForgottenCustomer(tx, customerId);
      await scrubForgottenJourneys(tx, customerId);
      return found;
    });
    return {
      customerId,
      subjects,
      event: { eventId: forgotten.eventId, streamId, status, ...('streamPosition' in outcome ? { streamPosition: outcome.streamPosition } : {}) },
      readModelsScrubbed: scrubbed,
    };
  }
}
