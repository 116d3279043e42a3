import { Command } from '@nestjs/cqrs';
import type { ApiKey } from '../../api-keys';
import type { Role } from '../../roles';

/** Create an API key for a role: the key itself is in the answer only. */
export class CreateKeyCommand extends Command<{ key: string; apiKey: ApiKey }> {
  constructor(
    readonly role: Role,
    readonly name: string,
  ) {
    super();
  }
}
