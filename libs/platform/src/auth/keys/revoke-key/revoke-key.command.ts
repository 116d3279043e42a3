import { Command } from '@nestjs/cqrs';

/** Revoke an API key: it is refused from then on. */
export class RevokeKeyCommand extends Command<void> {
  constructor(readonly id: string) {
    super();
  }
}
