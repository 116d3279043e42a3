import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { Body, Controller, Delete, Get, HttpCode, Param, Post, Put } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import type { DryRun, RuleInput, RuleResults } from '@journey/journeys';
import { ApiRequest, Roles } from '@journey/platform';
import { CreateRuleCommand } from './create-rule/create-rule.command';
import { DeleteRuleCommand } from './delete-rule/delete-rule.command';
import { DryRunRuleQuery } from './dry-run-rule/dry-run-rule.query';
import { GetRuleQuery, type RuleVersion } from './get-rule/get-rule.query';
import { GetRuleResultsQuery } from './get-rule-results/get-rule-results.query';
import { ListRuleResultsQuery } from './list-rule-results/list-rule-results.query';
import { ListRulesQuery } from './list-rules/list-rules.query';
import type { RuleView } from './rule-view';
import { SetRuleEnabledCommand } from './set-rule-enabled/set-rule-enabled.command';
import { UpdateRuleCommand } from './update-rule/update-rule.command';

/** The rules admin API: create, update, enable, disable, delete, list; dry runs; results. */
@ApiTags('rules')
@Controller('v1/rules')
@Roles('marketing')
export class RulesController {
  constructor(
    private readonly commands: CommandBus,
    private readonly queries: QueryBus,
  ) {}

  @Get()
  @ApiOperation({ summary: 'List the rules, current versions' })
  list(): Promise<{ rules: RuleView[] }> {
    return this.queries.execute(new ListRulesQuery());
  }

  @Get('results')
  @ApiOperation({ summary: "Every rule's outcomes" })
  allResults(): Promise<{ results: RuleResults[] }> {
    return this.queries.execute(new ListRuleResultsQuery());
  }

  @Get(':id')
  @ApiOperation({ summary: 'A rule with every version it had' })
  get(@Param('id') id: string): Promise<RuleView & { readonly versions: RuleVersion[] }> {
    return this.queries.execute(new GetRuleQuery(id));
  }

  @Post()
  @ApiOperation({ summary: 'Create a rule (201); an id in use is refused (400: update it with PUT)' })
  @ApiRequest<RuleInput>({ examples: { example: { summary: 'An example', value: { id: 'thank-buyers', name: 'Thank buyers', trigger: { event: 'PurchaseCompleted' }, action: { channel: 'log', target: 'thanks', template: 'Thanks for order {{event.data.orderId}}', params: {} } } } } })
  @HttpCode(201)
  create(@Body() body: unknown): Promise<RuleView & { readonly changed: boolean }> {
    return this.commands.execute(new CreateRuleCommand(body));
  }

  @Put(':id')
  @ApiOperation({ summary: 'Replace a rule: a new version when it changed' })
  @ApiRequest<RuleInput>({ examples: { example: { summary: 'An example', value: { id: 'thank-buyers', name: 'Thank buyers', trigger: { event: 'PurchaseCompleted' }, action: { channel: 'log', target: 'thanks', template: 'Thank you!', params: {} } } } } })
  update(@Param('id') id: string, @Body() body: unknown): Promise<RuleView & { readonly changed: boolean }> {
    return this.commands.execute(new UpdateRuleCommand(id, body));
  }

  @Post(':id/enable')
  @ApiOperation({ summary: 'Enable a rule' })
  @HttpCode(200)
  enable(@Param('id') id: string): Promise<RuleView> {
    return this.commands.execute(new SetRuleEnabledCommand(id, true));
  }

  @Post(':id/disable')
  @ApiOperation({ summary: 'Disable a rule: it stops matching; scheduled actions are cancelled' })
  @HttpCode(200)
  disable(@Param('id') id: string): Promise<RuleView> {
    return this.commands.execute(new SetRuleEnabledCommand(id, false));
  }

  @Delete(':id')
  @ApiOperation({ summary: 'Delete a rule' })
  @HttpCode(204)
  remove(@Param('id') id: string): Promise<void> {
    return this.commands.execute(new DeleteRuleCommand(id));
  }

  @Get(':id/results')
  @ApiOperation({ summary: "A rule's outcomes" })
  results(@Param('id') id: string): Promise<RuleResults | { readonly ruleId: string; readonly matched: 0 }> {
    return this.queries.execute(new GetRuleResultsQuery(id));
  }

  /**
   * Which checks a rule passes for a customer: with `event` in the body, against that event;
   * else against the customer's latest event of the rule's trigger type.
   */
  @Post(':id/dry-run')
  @ApiOperation({ summary: 'What the rule would decide for a customer now: on their latest trigger event, or on the event given' })
  @ApiRequest<{ customerId: string; event?: Readonly<Record<string, unknown>> }>({ examples: { example: { summary: 'An example', value: { customerId: 'c-42' } } } })
  @HttpCode(200)
  dryRun(@Param('id') id: string, @Body() body: { customerId?: unknown; event?: unknown } | undefined): Promise<DryRun> {
    return this.queries.execute(new DryRunRuleQuery(id, body?.customerId, body?.event));
  }
}
