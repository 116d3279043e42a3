import { Inject } from '@nestjs/common';
import { QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { API_KEYS } from '../../../tokens';
import type { ApiKey, ApiKeyStore } from '../../api-keys';
import { ListKeysQuery } from './list-keys.query';

@QueryHandler(ListKeysQuery)
export class ListKeysHandler implements IQueryHandler<ListKeysQuery> {
  constructor(@Inject(API_KEYS) private readonly keys: ApiKeyStore) {}

  async execute(): Promise<{ keys: ApiKey[] }> {
    return { keys: await this.keys.list() };
  }
}
