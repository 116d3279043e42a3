import { Query } from '@nestjs/cqrs';

/** The secret webhook signatures are made with: the configured one, or the one generated on first use. */
export class ReadWebhookSecretQuery extends Query<{ readonly secret: string; readonly generated: boolean }> {}
