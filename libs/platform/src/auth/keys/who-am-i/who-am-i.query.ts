import { Query } from '@nestjs/cqrs';
import type { ApiKey } from '../../api-keys';
import type { Role } from '../../roles';

/** What the caller's key may see: the console decides its pages from this answer. */
export interface Me {
  readonly keyId: string;
  readonly name: string;
  readonly role: Role;
  /** The roles whose routes this key may use (admin: every role). */
  readonly roles: readonly Role[];
}

/** The key that made the request, as the auth guard found it. */
export class WhoAmIQuery extends Query<Me> {
  constructor(readonly key: ApiKey) {
    super();
  }
}
