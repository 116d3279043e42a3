import { Module, type DynamicModule } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { IngestModule } from '@journey/ingest';
import { CONFIG, LOGGER, PlatformModule, type JourneyConfig, type Logger } from '@journey/platform';
import { ProjectorModule } from '@journey/projector';
import { QueryModule } from '@journey/query';
import { SagaModule } from '@journey/saga';
import { EnsureTopicsHandler } from './ensure-topics/ensure-topics.handler';
import { SeedPopulationHandler } from './seed-population/seed-population.handler';

/**
 * The service modules with the handlers the HTTP routes use, for one command of the CLI: the
 * platform in its command role, and every runtime (projector, saga, Kafka ingest and relay,
 * rules file) off, so the process does what the command asks and nothing else.
 */
@Module({})
export class CliModule {
  static forRoot(config: JourneyConfig, logger: Logger, personalData: boolean): DynamicModule {
    return {
      module: CliModule,
      imports: [PlatformModule.forRoot({ config: commandConfig(config), logger, role: 'command', personalData }), IngestModule, QueryModule, SagaModule, ProjectorModule],
      providers: [SeedPopulationHandler],
    };
  }
}

/** The Kafka admin commands: the buses, the config and the logger; no database. */
@Module({})
export class CliKafkaModule {
  static forRoot(config: JourneyConfig, logger: Logger): DynamicModule {
    return {
      module: CliKafkaModule,
      imports: [CqrsModule.forRoot()],
      providers: [{ provide: CONFIG, useValue: config }, { provide: LOGGER, useValue: logger }, EnsureTopicsHandler],
    };
  }
}

/** The configuration with every background runtime turned off. */
export function commandConfig(config: JourneyConfig): JourneyConfig {
  return {
    ...config,
    projector: false,
    saga: false,
    kafka: { ...config.kafka, ingest: false, relay: false },
    journeys: { ...config.journeys, rulesFile: undefined },
  };
}
