import { Inject } from '@nestjs/common';
import { QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import type { Database } from '@journey/database';
import { webhookSecret } from '@journey/journeys';
import { CONFIG, DATABASE, type JourneyConfig } from '@journey/platform';
import { ReadWebhookSecretQuery } from './read-webhook-secret.query';

@QueryHandler(ReadWebhookSecretQuery)
export class ReadWebhookSecretHandler implements IQueryHandler<ReadWebhookSecretQuery> {
  constructor(
    @Inject(DATABASE) private readonly db: Database,
    @Inject(CONFIG) private readonly config: JourneyConfig,
  ) {}

  execute(): Promise<{ secret: string; generated: boolean }> {
    return webhookSecret(this.db, this.config.journeys.webhookSecret);
  }
}
