import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { API_KEYS } from '../../../tokens';
import type { ApiKey, ApiKeyStore } from '../../api-keys';
import { CreateKeyCommand } from './create-key.command';

@CommandHandler(CreateKeyCommand)
export class CreateKeyHandler implements ICommandHandler<CreateKeyCommand> {
  constructor(@Inject(API_KEYS) private readonly keys: ApiKeyStore) {}

  execute({ role, name }: CreateKeyCommand): Promise<{ key: string; apiKey: ApiKey }> {
    return this.keys.create(role, name);
  }
}
