import { ApiTags } from '@nestjs/swagger';
import { Body, Controller, Delete, Get, HttpCode, Inject, Param, Post } from '@nestjs/common';
import { RequestRejectedError } from '../problem';
import { API_KEYS } from '../tokens';
import type { ApiKey, ApiKeyStore } from './api-keys';
import { isRole, ROLES } from './roles';

/** API keys, for admins: create (the key is in this answer only), list, revoke. */
@ApiTags('admin')
@Controller('v1/keys')
export class KeysController {
  constructor(@Inject(API_KEYS) private readonly keys: ApiKeyStore) {}

  @Get()
  async list(): Promise<{ keys: ApiKey[] }> {
    return { keys: await this.keys.list() };
  }

  @Post()
  @HttpCode(201)
  async create(@Body() body: { role?: unknown; name?: unknown } | undefined): Promise<{ key: string; apiKey: ApiKey }> {
    const errors = [];
    if (!isRole(body?.role)) errors.push({ field: 'role', reason: `must be one of ${ROLES.join(', ')}` });
    const name = body?.name ?? '';
    if (typeof name !== 'string' || name.length > 200) errors.push({ field: 'name', reason: 'must be a string of at most 200 characters' });
    if (errors.length > 0) throw new RequestRejectedError(400, 'Invalid key request', errors);
    return this.keys.create(body!.role as ApiKey['role'], (name as string) || `${String(body!.role)} key`);
  }

  @Delete(':id')
  @HttpCode(204)
  async revoke(@Param('id') id: string): Promise<void> {
    if (!(await this.keys.revoke(id))) throw new RequestRejectedError(404, 'Key not found', [{ field: 'id', reason: `no key ${id}` }]);
  }
}
