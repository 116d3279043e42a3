import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { RequestRejectedError } from '../../../problem';
import { API_KEYS } from '../../../tokens';
import type { ApiKeyStore } from '../../api-keys';
import { RevokeKeyCommand } from './revoke-key.command';

@CommandHandler(RevokeKeyCommand)
export class RevokeKeyHandler implements ICommandHandler<RevokeKeyCommand> {
  constructor(@Inject(API_KEYS) private readonly keys: ApiKeyStore) {}

  async execute({ id }: RevokeKeyCommand): Promise<void> {
    if (!(await this.keys.revoke(id))) throw new RequestRejectedError(404, 'Key not found', [{ field: 'id', reason: `no key ${id}` }]);
  }
}
