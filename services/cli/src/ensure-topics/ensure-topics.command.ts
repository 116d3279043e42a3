import { Command } from '@nestjs/cqrs';

/** Create the ingest, dead-letter and integration topics where they do not exist (infra/kafka/topics.json). */
export class EnsureTopicsCommand extends Command<{ readonly created: readonly string[]; readonly existing: readonly string[] }> {}
