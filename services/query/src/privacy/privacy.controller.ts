import { Body, Controller, Get, HttpCode, Inject, Param, Post } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { CUSTOMER_STREAM_PREFIX, VISITOR_STREAM_PREFIX } from '@journey/contracts';
import { customer360View, derivedEvent, type Customer360View } from '@journey/domain';
import { EVENT_STORE, type EventStore, type RecordedEvent } from '@journey/event-store';
import { type Database, type Queryable } from '@journey/database';
import { type PiiVault } from '@journey/privacy';
import { scrubForgottenJourneys } from '@journey/journeys';
import { CLOCK, CONFIG, DATABASE, RequestRejectedError, Roles, VAULT, type Clock, type JourneyConfig } from '@journey/platform';
import { fromRow, identitiesOf, LIVE_TABLES, scrubForgottenCustomer } from '@journey/projections';

export interface CustomerExport {
  readonly customerId: string;
  readonly exportedAt: string;
  readonly forgotten: boolean;
  /** The 360 as the read model holds it (null before the projector has seen the customer). */
  readonly customer360: Customer360View | null;
  readonly identities: readonly string[];
  /** Every event of the customer's stream and of the visitors they were, PII opened. */
  readonly streams: ReadonlyArray<{ readonly streamId: string; readonly events: readonly RecordedEvent[] }>;
  /** What the saga decided and sent about them. */
  readonly decisions: readonly Record<string, unknown>[];
  readonly actions: readonly Record<string, unknown>[];
}

export interface ForgetReport {
  readonly customerId: string;
  /** The streams whose keys were destroyed: the customer's and the visitors' they were. */
  readonly subjects: readonly string[];
  readonly event: { readonly eventId: string; readonly streamId: string; readonly streamPosition?: number; readonly status: string };
  readonly readModelsScrubbed: boolean;
}

const forgetReason = (body: unknown): string | undefined => {
  if (body === undefined || body === null || (typeof body === 'object' && Object.keys(body).length === 0)) return undefined;
  const reason = (body as { reason?: unknown }).reason;
  const extra = Object.keys(body as object).filter((key) => key !== 'reason');
  if (typeof body !== 'object' || extra.length > 0 || (reason !== undefined && (typeof reason !== 'string' || reason.length < 1 || reason.length > 200))) {
    throw new RequestRejectedError(400, 'Invalid request', [{ field: extra[0] ?? 'reason', reason: extra.length ? 'is not a known field' : 'must be a text of 1 to 200 characters' }]);
  }
  return reason;
};

/**
 * The customer's rights over their data: an export of everything the engine holds about them,
 * opened, and forgetting them (their keys destroyed, CustomerForgotten appended, the read models
 * scrubbed). Admin only.
 */
@ApiTags('privacy')
@Controller('v1/customers')
@Roles('admin')
export class PrivacyController {
  constructor(
    @Inject(DATABASE) private readonly db: Database,
    @Inject(EVENT_STORE) private readonly store: EventStore<Queryable>,
    @Inject(VAULT) private readonly vault: PiiVault,
    @Inject(CONFIG) private readonly config: JourneyConfig,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  @Get(':customerId/export')
  @ApiOperation({ summary: 'Everything held about a customer (360, every event of their streams with PII opened, decisions, actions)' })
  async export(@Param('customerId') customerId: string): Promise<CustomerExport> {
    const { rows } = await this.db.query(`SELECT * FROM ${LIVE_TABLES.customers} WHERE customer_id = $1`, [customerId]);
    const customer = rows[0] ? fromRow(rows[0] as Parameters<typeof fromRow>[0]) : undefined;
    const identities = await identitiesOf(this.db, customerId);
    const streams = [];
    for (const streamId of [CUSTOMER_STREAM_PREFIX + customerId, ...identities.map((id) => VISITOR_STREAM_PREFIX + id)]) {
      const events = await this.store.readStream(streamId);
      if (events.length > 0) streams.push({ streamId, events });
    }
    if (!customer && streams.length === 0) {
      throw new RequestRejectedError(404, 'Customer not found', [{ field: 'customerId', reason: `nothing is held about customer ${customerId}` }]);
    }
    const { rows: decisions } = await this.db.query(
      `SELECT rule_id AS "ruleId", rule_version AS "ruleVersion", trigger_event_id AS "triggerEventId", decision, reason,
              action_id AS "actionId", decided_at AS "decidedAt"
       FROM journey.saga_decisions WHERE customer_id = $1 ORDER BY decided_at`,
      [customerId],
    );
    const { rows: actions } = await this.db.query(
      `SELECT action_id AS "actionId", rule_id AS "ruleId", rule_version AS "ruleVersion", channel, target, body, state, attempts,
              created_at AS "createdAt", sent_at AS "sentAt"
       FROM journey.outbox WHERE customer_id = $1 ORDER BY created_at`,
      [customerId],
    );
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

  @Post(':customerId/forget')
  @HttpCode(200)
  @ApiOperation({ summary: "Forget a customer: destroy their keys, append CustomerForgotten, scrub the read models (optional body {reason})" })
  async forget(@Param('customerId') customerId: string, @Body() body: unknown): Promise<ForgetReport> {
    const reason = forgetReason(body);
    const streamId = CUSTOMER_STREAM_PREFIX + customerId;
    const subjects = [streamId, ...(await identitiesOf(this.db, customerId)).map((id) => VISITOR_STREAM_PREFIX + id)];
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
