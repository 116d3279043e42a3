import { ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import type { VerifyResult } from '@journey/event-store';
import { INSTANT_REASON, parseInstant, RequestRejectedError, Roles, type FieldProblem } from '@journey/platform';
import type { ReplayReport } from '@journey/projections';
import { CustomerAsOfQuery, type CustomerAsOfView } from './customer-as-of/customer-as-of.query';
import { accessLogFilter } from './read-access-log/access-log-request';
import { ReadAccessLogQuery, type AccessLogPage } from './read-access-log/read-access-log.query';
import { ReplayCheckQuery } from './replay-check/replay-check.query';
import { GetReplayCheckQuery } from './replay-check-job/get-replay-check.query';
import { ListReplayChecksQuery } from './replay-check-job/list-replay-checks.query';
import type { ReplayJob } from './replay-check-job/replay-job';
import { StartReplayCheckCommand } from './replay-check-job/start-replay-check.command';
import { VerifyAllQuery, type VerifyAllAnswer } from './verify-all/verify-all.query';
import { VerifyStreamQuery } from './verify-stream/verify-stream.query';

/** For auditors, read-only: hash chains, customers as they were, replay checks, the access log. */
@ApiTags('audit')
@Controller('v1/audit')
@Roles('auditor')
export class AuditController {
  constructor(
    private readonly commands: CommandBus,
    private readonly queries: QueryBus,
  ) {}

  /** Recomputes one stream's hash chain: ok, or the first broken position and why. */
  @Get('verify/:streamId')
  @ApiOperation({ summary: "Verify a stream's hash chain: intact, or where it breaks" })
  verify(@Param('streamId') streamId: string): Promise<VerifyResult> {
    return this.queries.execute(new VerifyStreamQuery(streamId));
  }

  /** Every stream's chain: how many were checked, and every break. */
  @Get('verify')
  @ApiOperation({ summary: 'Verify the hash chains of every stream' })
  verifyAll(): Promise<VerifyAllAnswer> {
    return this.queries.execute(new VerifyAllQuery());
  }

  /** The customer as the engine knew them at `at`: the 360, the stage and the tier then. */
  @Get('customers/:customerId/as-of')
  @ApiOperation({ summary: "A customer's 360 as it stood at an instant (?at), by recorded or occurred time (?by)" })
  @ApiQuery({ name: 'at', required: true, example: '2030-01-01T00:00:00Z', description: 'an ISO 8601 instant with an offset' })
  @ApiQuery({ name: 'by', required: false, example: 'recorded', description: 'recorded: what the engine knew then; occurred: what had happened by then' })
  async asOf(@Param('customerId') customerId: string, @Query('at') at: string | undefined, @Query('by') by: string = 'recorded'): Promise<CustomerAsOfView> {
    const instant = typeof at === 'string' ? parseInstant(at) : undefined;
    const errors: FieldProblem[] = [];
    if (!instant) errors.push({ field: 'at', reason: INSTANT_REASON });
    if (by !== 'recorded' && by !== 'occurred') errors.push({ field: 'by', reason: 'must be recorded (what the engine knew then) or occurred (what had happened by then)' });
    if (!instant || (by !== 'recorded' && by !== 'occurred')) throw new RequestRejectedError(400, 'Invalid query', errors);
    return this.queries.execute(new CustomerAsOfQuery(customerId, at!, instant, by));
  }

  /** Replays the log into scratch tables and compares them with the live read models. */
  @Post('replay-check')
  @ApiOperation({ summary: 'Rebuild the read models from the log aside and compare them with the live ones' })
  @HttpCode(200)
  replayCheck(): Promise<ReplayReport> {
    return this.queries.execute(new ReplayCheckQuery());
  }

  /** Starts the replay check as a job recorded in journey.jobs and answers at once; follow it at GET replay-checks/{id}. */
  @Post('replay-checks')
  @HttpCode(202)
  @ApiOperation({ summary: 'Start the replay check as a job (or answer the one running); follow it at GET replay-checks/{id}' })
  startReplayCheck(): Promise<ReplayJob> {
    return this.commands.execute(new StartReplayCheckCommand());
  }

  /** The latest replay-check jobs of every process (rows of journey.jobs), newest first. */
  @Get('replay-checks')
  @ApiOperation({ summary: 'The latest replay-check jobs of every process, newest first; one whose process stopped is failed, interrupted' })
  replayCheckJobs(): Promise<{ jobs: ReplayJob[] }> {
    return this.queries.execute(new ListReplayChecksQuery());
  }

  /** A replay-check job: running (with its progress), done (with its report) or failed. */
  @Get('replay-checks/:id')
  @ApiOperation({ summary: 'A replay-check job: running with its progress, done with its report, or failed' })
  replayCheckJob(@Param('id') id: string): Promise<ReplayJob> {
    return this.queries.execute(new GetReplayCheckQuery(id));
  }

  /** Who asked what: the API's access log, oldest first (`after`: the last id of a page). */
  @Get('access-log')
  @ApiOperation({ summary: 'Who read what: the access log, filtered by key, route and period' })
  accessLogPage(@Query() query: Record<string, unknown>): Promise<AccessLogPage> {
    return this.queries.execute(new ReadAccessLogQuery(accessLogFilter(query)));
  }
}
