import { ApiTags } from '@nestjs/swagger';
import { Body, Controller, Delete, Get, HttpCode, Inject, Param, Post, Put } from '@nestjs/common';
import { CUSTOMER_STREAM_PREFIX, validateEvent, type JourneyEvent } from '@journey/contracts';
import type { Customer360 } from '@journey/domain';
import { EVENT_STORE, type EventStore } from '@journey/event-store';
import { type Database } from '@journey/database';
import { dryRun, ruleResults, RuleNotFoundError, RuleRejectedError, Saga, sagaCustomer, type RuleRecord, type SagaSettings } from '@journey/journeys';
import { CLOCK, DATABASE, RequestRejectedError, Roles, type Clock } from '@journey/platform';
import { fromRow, LIVE_TABLES } from '@journey/projections';
import { SAGA_SETTINGS } from '../saga.module.tokens';

/** The rules admin API: create, update, enable, disable, delete, list; dry runs; results. */
@ApiTags('rules')
@Controller('v1/rules')
@Roles('marketing')
export class RulesController {
  constructor(
    private readonly saga: Saga,
    @Inject(DATABASE) private readonly db: Database,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(SAGA_SETTINGS) private readonly settings: SagaSettings,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  @Get()
  async list(): Promise<{ rules: unknown[] }> {
    return { rules: (await this.saga.rules.current()).map(view) };
  }

  @Get('results')
  async allResults(): Promise<{ results: unknown[] }> {
    return { results: await ruleResults(this.db) };
  }

  @Get(':id')
  async get(@Param('id') id: string): Promise<unknown> {
    const record = await this.saga.rules.get(id);
    if (!record) throw notFound(id);
    return { ...view(record), versions: (await this.saga.rules.versions(id)).map((r) => ({ version: r.rule.version, enabled: r.rule.enabled, deleted: r.deleted, savedAt: r.savedAt })) };
  }

  @Post()
  @HttpCode(201)
  async create(@Body() body: unknown): Promise<unknown> {
    const id = (body as { id?: unknown } | null)?.id;
    if (typeof id === 'string' && (await this.saga.rules.get(id))) {
      throw new RequestRejectedError(400, 'Rule exists', [{ field: 'id', reason: `rule ${id} exists; update it with PUT /v1/rules/${id}` }]);
    }
    return this.save(body);
  }

  @Put(':id')
  async update(@Param('id') id: string, @Body() body: unknown): Promise<unknown> {
    if ((body as { id?: unknown } | null)?.id !== id) throw new RequestRejectedError(400, 'Invalid rule', [{ field: 'id', reason: `must be ${id}, as in the path` }]);
    return this.save(body);
  }

  @Post(':id/enable')
  @HttpCode(200)
  async enable(@Param('id') id: string): Promise<unknown> {
    return this.toggle(id, true);
  }

  @Post(':id/disable')
  @HttpCode(200)
  async disable(@Param('id') id: string): Promise<unknown> {
    return this.toggle(id, false);
  }

  @Delete(':id')
  @HttpCode(204)
  async remove(@Param('id') id: string): Promise<void> {
    await this.guard(() => this.saga.rules.delete(id));
    await this.saga.rulesChanged();
  }

  @Get(':id/results')
  async results(@Param('id') id: string): Promise<unknown> {
    if (!(await this.saga.rules.get(id))) throw notFound(id);
    const [results] = await ruleResults(this.db, id);
    return results ?? { ruleId: id, matched: 0 };
  }

  /**
   * Which checks a rule passes for a customer: with `event` in the body, against that event;
   * else against the customer's latest event of the rule's trigger type.
   */
  @Post(':id/dry-run')
  @HttpCode(200)
  async dryRun(@Param('id') id: string, @Body() body: { customerId?: unknown; event?: unknown }): Promise<unknown> {
    const record = await this.saga.rules.get(id);
    if (!record) throw notFound(id);
    if (typeof body?.customerId !== 'string') throw new RequestRejectedError(400, 'Invalid dry run', [{ field: 'customerId', reason: 'is required' }]);
    const customer = await this.customer(body.customerId);
    let event: JourneyEvent | undefined;
    if (body.event !== undefined) {
      const verdict = validateEvent(body.event, { now: this.clock(), allowDerived: true });
      if (!verdict.ok) throw new RequestRejectedError(400, 'Invalid event', verdict.errors.map((e) => ({ field: `event.${e.field}`, reason: e.reason })));
      event = verdict.event;
    } else {
      const recent = await this.store.readStream(CUSTOMER_STREAM_PREFIX + body.customerId, { backward: true, limit: 500 });
      event = recent.find((e) => e.type === record.rule.trigger.event);
      if (!event) throw new RequestRejectedError(400, 'Invalid dry run', [{ field: 'event', reason: `customer ${body.customerId} has no ${record.rule.trigger.event} event; give one` }]);
    }
    return dryRun(this.db, this.saga.index, this.settings, record.rule, customer, event, this.clock());
  }

  private async customer(customerId: string): Promise<Customer360> {
    const own = await sagaCustomer(this.db, customerId);
    if (own) return own;
    const { rows } = await this.db.query(`SELECT * FROM ${LIVE_TABLES.customers} WHERE customer_id = $1`, [customerId]);
    if (!rows[0]) throw new RequestRejectedError(404, 'Customer not found', [{ field: 'customerId', reason: `no customer ${customerId}` }]);
    return fromRow(rows[0] as Parameters<typeof fromRow>[0]);
  }

  private async save(body: unknown): Promise<unknown> {
    const { record, changed } = await this.guard(() => this.saga.rules.save(body));
    if (changed) await this.saga.rulesChanged();
    return { ...view(record), changed };
  }

  private async toggle(id: string, enabled: boolean): Promise<unknown> {
    const record = await this.guard(() => this.saga.rules.setEnabled(id, enabled));
    await this.saga.rulesChanged();
    return view(record);
  }

  private async guard<T>(work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (error) {
      if (error instanceof RuleRejectedError) throw new RequestRejectedError(400, 'Invalid rule', error.errors);
      if (error instanceof RuleNotFoundError) throw notFound(error.id);
      throw error;
    }
  }
}

function view(record: RuleRecord): { id: string; version: number; enabled: boolean; savedAt: string; definition: Record<string, unknown> } {
  return { id: record.rule.id, version: record.rule.version, enabled: record.rule.enabled, savedAt: record.savedAt, definition: record.definition };
}

function notFound(id: string): RequestRejectedError {
  return new RequestRejectedError(404, 'Rule not found', [{ field: 'id', reason: `no rule ${id}` }]);
}
