import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { Controller, Get, Req } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import type { AuthenticatedRequest } from '../../auth.guard';
import { Roles } from '../../roles';
import { WhoAmIQuery, type Me } from './who-am-i.query';

/** Any live key may ask what it is: its id, name and role, and the roles whose routes it may use. */
@ApiTags('keys')
@Controller('v1/me')
@Roles('ingest', 'marketing', 'auditor')
export class MeController {
  constructor(private readonly queries: QueryBus) {}

  @Get()
  @ApiOperation({ summary: "The caller's key: id, name, role and the roles whose routes it may use" })
  me(@Req() request: AuthenticatedRequest): Promise<Me> {
    return this.queries.execute(new WhoAmIQuery(request.apiKey!));
  }
}
