import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiRequest } from '../../openapi/api-answer';
import { Body, Controller, Delete, Get, HttpCode, Param, Post } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import type { ApiKey } from '../api-keys';
import type { Role } from '../roles';
import { CreateKeyCommand } from './create-key/create-key.command';
import { keyRequest } from './create-key/key-request';
import { ListKeysQuery } from './list-keys/list-keys.query';
import { RevokeKeyCommand } from './revoke-key/revoke-key.command';

/** API keys, for admins: create (the key is in this answer only), list, revoke. */
@ApiTags('admin')
@Controller('v1/keys')
export class KeysController {
  constructor(
    private readonly commands: CommandBus,
    private readonly queries: QueryBus,
  ) {}

  @Get()
  @ApiOperation({ summary: 'List the API keys (never the keys themselves): id, role, name, created, revoked' })
  list(): Promise<{ keys: ApiKey[] }> {
    return this.queries.execute(new ListKeysQuery());
  }

  @Post()
  @ApiOperation({ summary: 'Create an API key with a role; the key is in this answer only' })
  @ApiRequest<{ role: Role; name: string }>({ examples: { example: { summary: 'An example', value: { role: 'ingest', name: 'shop backend' } } } })
  @HttpCode(201)
  async create(@Body() body: { role?: unknown; name?: unknown } | undefined): Promise<{ key: string; apiKey: ApiKey }> {
    const { role, name } = keyRequest(body);
    return this.commands.execute(new CreateKeyCommand(role, name));
  }

  @Delete(':id')
  @ApiOperation({ summary: 'Revoke an API key: it stops working at once' })
  @HttpCode(204)
  revoke(@Param('id') id: string): Promise<void> {
    return this.commands.execute(new RevokeKeyCommand(id));
  }
}
