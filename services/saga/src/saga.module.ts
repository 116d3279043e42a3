import { Inject, Module, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import type { ActionChannel } from '@journey/contracts';
import { EVENT_STORE, type EventStore } from '@journey/event-store';
import { type Database, type Queryable } from '@journey/database';
import { KafkaChannel, LogChannel, ruleChecks, Saga, SAGA_PARTITIONS, sagaSettings, WebhookChannel, webhookSecret, type Channel, type SagaSettings } from '@journey/journeys';
import { CLOCK, CONFIG, DATABASE, LOGGER, PARTITIONS, type Clock, type JourneyConfig, type Logger, type PartitionRegistry } from '@journey/platform';
import { kafkaClient } from '@journey/kafka';
import { CreateRuleHandler } from './rules/create-rule/create-rule.handler';
import { DeleteRuleHandler } from './rules/delete-rule/delete-rule.handler';
import { DryRunRuleHandler } from './rules/dry-run-rule/dry-run-rule.handler';
import { GetRuleHandler } from './rules/get-rule/get-rule.handler';
import { GetRuleResultsHandler } from './rules/get-rule-results/get-rule-results.handler';
import { ListRuleResultsHandler } from './rules/list-rule-results/list-rule-results.handler';
import { ListRulesHandler } from './rules/list-rules/list-rules.handler';
import { LoadRulesHandler } from './rules/load-rules/load-rules.handler';
import { RuleChanges } from './rules/rule-changes';
import { RulesController } from './rules/rules.controller';
import { SetRuleEnabledHandler } from './rules/set-rule-enabled/set-rule-enabled.handler';
import { UpdateRuleHandler } from './rules/update-rule/update-rule.handler';
import { ReadWebhookSecretHandler } from './webhooks/read-webhook-secret/read-webhook-secret.handler';

import { SAGA_SETTINGS } from './saga.module.tokens';

export { SAGA_SETTINGS, sagaSettings };

/** Loads the rules file and starts the saga with the application; stops it before the store closes. */
class SagaLifecycle implements OnApplicationBootstrap, BeforeApplicationShutdown {
  constructor(
    private readonly saga: Saga,
    @Inject(CONFIG) private readonly config: JourneyConfig,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const file = this.config.journeys.rulesFile;
    if (file) {
      const loaded = await this.saga.rules.loadFile(file, ruleChecks(this.config));
      this.logger.info({ file, rules: loaded.length, changed: loaded.filter((r) => r.changed).map((r) => r.id) }, 'rules loaded');
      // The customer pass may run in another process: it hears of the change.
      if (loaded.some((r) => r.changed)) await this.saga.rulesChanged();
    }
    if (this.config.saga) await this.saga.start();
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.saga.stop();
  }
}

/**
 * Journeys in this process: rules, due timers, the dispatcher, calendar rules, and the rules admin
 * API with a handler per use case. Events are judged by the customer pass (services/projector).
 */
@Module({
  controllers: [RulesController],
  providers: [
    { provide: SAGA_SETTINGS, inject: [CONFIG], useFactory: sagaSettings },
    {
      provide: Saga,
      inject: [DATABASE, EVENT_STORE, CONFIG, CLOCK, LOGGER, SAGA_SETTINGS, PARTITIONS],
      useFactory: async (db: Database, store: EventStore<Queryable>, config: JourneyConfig, clock: Clock, logger: Logger, settings: SagaSettings, held: PartitionRegistry) => {
        const secret = await webhookSecret(db, config.journeys.webhookSecret);
        if (secret.generated) logger.warn('no JOURNEY_WEBHOOK_SECRET: generated one and kept it in journey.settings (journey webhook-secret prints it)');
        const channels = new Map<ActionChannel, Channel>([
          ['webhook', new WebhookChannel(secret.secret, settings.deliveryTimeoutMs, clock)],
          ['log', new LogChannel(logger)],
        ]);
        if (config.kafka.brokers.length > 0) channels.set('kafka', new KafkaChannel(kafkaClient(config.kafka.brokers, 'journey-saga', logger), ruleChecks(config).reservedTopics));
        // The processes running the saga share the customers' timers, deliveries and calendar rules by partition.
        const partitions = store.partitionLeases(SAGA_PARTITIONS, {
          ...config.partitions,
          onError: (error) => logger.warn({ err: error }, 'renewing the saga’s partition leases failed; trying again'),
        });
        if (config.saga) held.register(partitions);
        return new Saga(db, store, settings, channels, clock, logger, partitions);
      },
    },
    SagaLifecycle,
    RuleChanges,
    ListRulesHandler,
    GetRuleHandler,
    CreateRuleHandler,
    UpdateRuleHandler,
    SetRuleEnabledHandler,
    DeleteRuleHandler,
    ListRuleResultsHandler,
    GetRuleResultsHandler,
    DryRunRuleHandler,
    LoadRulesHandler,
    ReadWebhookSecretHandler,
  ],
  exports: [Saga],
})
export class SagaModule {}
