import { Controller, Get, Query } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { positiveInteger, RequestRejectedError, Roles, type FieldProblem } from '@journey/platform';
import { JOB_KINDS, JOB_STATES, type JobKind, type JobState, type JobView } from '@journey/projections';
import { ListJobsQuery } from './list-jobs/list-jobs.query';

const MAX_JOBS = 200;

/** The long jobs of every process (projection rebuilds, prediction fits) and where they stand. Admins and auditors. */
@ApiTags('jobs')
@Controller('v1/jobs')
@Roles('auditor')
export class JobsController {
  constructor(private readonly queries: QueryBus) {}

  @Get()
  @ApiOperation({ summary: 'The long jobs (projection rebuilds, prediction fits) of every process, newest first, with their progress and end state' })
  @ApiQuery({ name: 'kind', required: false, example: 'prediction-fit', description: `one of ${JOB_KINDS.join(', ')}` })
  @ApiQuery({ name: 'state', required: false, example: 'done', description: `one of ${JOB_STATES.join(', ')}` })
  @ApiQuery({ name: 'limit', required: false, example: 50, description: `at most ${MAX_JOBS}` })
  list(@Query('kind') kind?: string, @Query('state') state?: string, @Query('limit') limit?: string): Promise<{ jobs: JobView[] }> {
    const errors: FieldProblem[] = [];
    if (kind !== undefined && !(JOB_KINDS as readonly string[]).includes(kind)) errors.push({ field: 'kind', reason: `must be one of ${JOB_KINDS.join(', ')}` });
    if (state !== undefined && !(JOB_STATES as readonly string[]).includes(state)) errors.push({ field: 'state', reason: `must be one of ${JOB_STATES.join(', ')}` });
    const size = positiveInteger('limit', limit, 50);
    if (size > MAX_JOBS) errors.push({ field: 'limit', reason: `must be an integer from 1 to ${MAX_JOBS}` });
    if (errors.length > 0) throw new RequestRejectedError(400, 'Invalid query', errors);
    return this.queries.execute(new ListJobsQuery({ kind: kind as JobKind | undefined, state: state as JobState | undefined, limit: size }));
  }
}
