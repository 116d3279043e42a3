import { Controller, Get, HttpCode, Post } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { RecordedEvent } from '@journey/event-store';
import type { PredictReport } from '@journey/projections';
import { Roles } from '@journey/platform';
import { LatestFitQuery } from './latest-fit/latest-fit.query';
import { RunPredictionsCommand } from './run-predictions/run-predictions.command';

/** The purchase models: refit and rescore on demand, and the fit the current predictions come from. Admin only. */
@ApiTags('predictions')
@Controller('v1/predictions')
@Roles('admin')
export class PredictionsController {
  constructor(
    private readonly commands: CommandBus,
    private readonly queries: QueryBus,
  ) {}

  @Post('fit')
  @HttpCode(200)
  @ApiOperation({ summary: 'Fit BG/NBD and Gamma-Gamma over every buyer now, score every customer, append ModelFitted (and ChurnRiskChanged on band moves)' })
  fit(): Promise<PredictReport> {
    return this.commands.execute(new RunPredictionsCommand('api'));
  }

  @Get('model')
  @ApiOperation({ summary: 'The latest ModelFitted event: parameters, log-likelihood, iterations, data window, duration' })
  model(): Promise<RecordedEvent | null> {
    return this.queries.execute(new LatestFitQuery());
  }
}
