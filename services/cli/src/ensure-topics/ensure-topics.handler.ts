import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { ensureTopics, journeyTopics, kafkaClient } from '@journey/kafka';
import { CONFIG, LOGGER, type JourneyConfig, type Logger } from '@journey/platform';
import { KafkaNotConfiguredError } from '../cli-errors';
import { EnsureTopicsCommand } from './ensure-topics.command';

@CommandHandler(EnsureTopicsCommand)
export class EnsureTopicsHandler implements ICommandHandler<EnsureTopicsCommand> {
  constructor(
    @Inject(CONFIG) private readonly config: JourneyConfig,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  execute(): Promise<{ created: string[]; existing: string[] }> {
    const kafka = this.config.kafka;
    if (kafka.brokers.length === 0) throw new KafkaNotConfiguredError();
    return ensureTopics(kafkaClient(kafka.brokers, 'journey-cli', this.logger), journeyTopics(kafka));
  }
}
