import { Body, Controller, Get, HttpCode, Param, Post } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiRequest, Roles } from '@journey/platform';
import { ExportCustomerQuery, type CustomerExport } from './export-customer/export-customer.query';
import { ForgetCustomerCommand, type ForgetReport } from './forget-customer/forget-customer.command';
import { forgetReason } from './forget-customer/forget-request';

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
    private readonly queries: QueryBus,
    private readonly commands: CommandBus,
  ) {}

  @Get(':customerId/export')
  @ApiOperation({ summary: 'Everything held about a customer (360, every event of their streams with PII opened, decisions, actions)' })
  export(@Param('customerId') customerId: string): Promise<CustomerExport> {
    return this.queries.execute(new ExportCustomerQuery(customerId));
  }

  @Post(':customerId/forget')
  @ApiRequest<{ reason?: string }>({ examples: { example: { summary: 'An example', value: { reason: 'customer request' } } } })
  @HttpCode(200)
  @ApiOperation({ summary: "Forget a customer: destroy their keys, append CustomerForgotten, scrub the read models (optional body {reason})" })
  forget(@Param('customerId') customerId: string, @Body() body: unknown): Promise<ForgetReport> {
    return this.commands.execute(new ForgetCustomerCommand(customerId, forgetReason(body)));
  }
}
