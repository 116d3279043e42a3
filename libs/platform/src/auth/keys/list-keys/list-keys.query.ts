import { Query } from '@nestjs/cqrs';
import type { ApiKey } from '../../api-keys';

/** Every API key, without its secret. */
export class ListKeysQuery extends Query<{ keys: ApiKey[] }> {}
