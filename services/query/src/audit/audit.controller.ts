import { ApiTags } from '@nestjs/swagger';
import { Controller, Get, HttpCode, Inject, Param, Post, Query } from '@nestjs/common';
import { customer360View } from '@journey/domain';
import { EVENT_STORE, type EventStore, type VerifyResult } from '@journey/event-store';
import { type Database, type Queryable } from '@journey/database';
import {
  ACCESS_LOG,
  CONFIG,
  DATABASE,
  DATE_OR_INSTANT_REASON,
  INSTANT_REASON,
  parseInstant,
  RequestRejectedError,
  Roles,
  type AccessLog,
  type FieldProblem,
  type JourneyConfig,
} from '@journey/platform';
import { customerAsOf, replayCheck, type ReplayReport } from '@journey/projections';

/** For auditors, read-only: hash chains, customers as they were, replay checks, the access log. */
@ApiTags('audit')
@Controller('v1/audit')
@Roles('auditor')
export class AuditController {
  constructor(
    @Inject(DATABASE) private readonly db: Database,
    @Inject(EVENT_STORE) private readonly store: EventStore<Queryable>,
    @Inject(CONFIG) private readonly config: JourneyConfig,
    @Inject(ACCESS_LOG) private readonly accessLog: AccessLog,
  ) {}

  /** Recomputes one stream's hash chain: ok, or the first broken position and why. */
  @Get('verify/:streamId')
  verify(@Param('streamId') streamId: string): Promise<VerifyResult> {
    return this.store.verify(streamId);
  }

  /** Every stream's chain: how many were checked, and every break. */
  @Get('verify')
  async verifyAll(): Promise<{ ok: boolean; streams: number; events: number; broken: readonly VerifyResult[] }> {
    const report = await this.store.verifyAll();
    return { ok: report.broken.length === 0, ...report };
  }

  /** The customer as the engine knew them at `at`: the 360, the stage and the tier then. */
  @Get('customers/:customerId/as-of')
  async asOf(@Param('customerId') customerId: string, @Query('at') at?: string): Promise<unknown> {
    const instant = typeof at === 'string' ? parseInstant(at) : undefined;
    if (!instant) throw new RequestRejectedError(400, 'Invalid instant', [{ field: 'at', reason: INSTANT_REASON }]);
    const answer = await customerAsOf(this.store, customerId, instant, this.config.projections.lifecycle);
    if (!answer) throw new RequestRejectedError(404, 'Customer not found', [{ field: 'customerId', reason: `nothing was known of ${customerId} at ${at}` }]);
    return { ...answer, customer: customer360View(answer.customer, this.config.projections.rates) };
  }

  /** Replays the log into scratch tables and compares them with the live read models. */
  @Post('replay-check')
  @HttpCode(200)
  replayCheck(): Promise<ReplayReport> {
    return replayCheck(this.db, this.store, { lifecycle: this.config.projections.lifecycle, batchSize: this.config.projections.batchSize });
  }

  /** Who asked what: the API's access log, oldest first (`after`: the last id of a page). */
  @Get('access-log')
  async accessLogPage(@Query() query: Record<string, unknown>): Promise<{ entries: unknown[]; next: number | null }> {
    const errors: FieldProblem[] = [];
    const text = (name: string): string | undefined => {
      const value = query[name];
      if (value !== undefined && typeof value !== 'string') errors.push({ field: name, reason: 'must be given once' });
      return typeof value === 'string' ? value : undefined;
    };
    const instant = (name: string): string | undefined => {
      const value = text(name);
      if (value === undefined) return undefined;
      const parsed = parseInstant(value, 'dates');
      if (!parsed) errors.push({ field: name, reason: DATE_OR_INSTANT_REASON });
      return parsed?.toISOString();
    };
    const number = (name: string, fallback: number, max: number): number => {
      const value = text(name);
      if (value === undefined) return fallback;
      const n = Number(value);
      if (!/^\d+$/.test(value) || n > max) errors.push({ field: name, reason: `must be an integer from 0 to ${max}` });
      return n;
    };
    const filter = { keyId: text('keyId'), from: instant('from'), to: instant('to'), after: number('after', 0, Number.MAX_SAFE_INTEGER), limit: number('limit', 100, 1000) || 100 };
    if (errors.length > 0) throw new RequestRejectedError(400, 'Invalid query', errors);
    await this.accessLog.flush();
    const entries = await this.accessLog.read(filter);
    return { entries, next: entries.length === filter.limit ? entries[entries.length - 1]!.id : null };
  }
}
