import { Global, Inject, Module, type DynamicModule, type OnApplicationShutdown } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { CqrsModule } from '@nestjs/cqrs';
import { ThrottlerGuard, ThrottlerModule } from '@nestjs/throttler';
import { EVENT_STORE, type EventStore } from '@journey/event-store';
import { PostgresEventStore } from '@journey/event-store/postgres';
import { KurrentEventStore } from '@journey/event-store/kurrentdb';
import { migrate, openDatabase, type Database } from '@journey/database';
import { type PiiVault } from '@journey/privacy';
import type { Registry } from 'prom-client';
import type { JourneyConfig } from './config';
import { createLogger, type Logger } from './logger';
import { appendMetrics, createRegistry, horizonMetrics } from './metrics';
import { OperationsController } from './operations.controller';
import { AccessLog } from './auth/access-log';
import { ApiKeyStore } from './auth/api-keys';
import { AuthGuard } from './auth/auth.guard';
import { KEYS_HANDLERS } from './auth/keys/keys.handlers';
import { KeysController } from './auth/keys/keys.controller';
import { MeController } from './auth/keys/who-am-i/me.controller';
import { OPERATIONS_HANDLERS } from './operations/operations.handlers';
import { rateLimitOptions } from './auth/rate-limits';
import { ACCESS_LOG, API_KEYS, CLOCK, CONFIG, DATABASE, LOGGER, METRICS, MIGRATIONS, VAULT, type MigrationsAtOpen } from './tokens';
import { openVault } from './privacy/open-vault';
import { readOnlyStore } from './privacy/read-only-store';
import { createdKeyNotice, resolveMasterKey } from './privacy/master-key';
import { ADMISSION, LAG_MONITOR, LAG_PROVIDERS } from './lag/lag.providers';
import { PARTITIONS } from './partitions/partition-registry';

/** Closes the store (in-flight appends finish) and then the database, after HTTP has stopped. */
class StorageLifecycle implements OnApplicationShutdown {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(DATABASE) private readonly db: Database,
    @Inject(LOGGER) private readonly logger: Logger,
    @Inject(ACCESS_LOG) private readonly accessLog: AccessLog,
    @Inject(API_KEYS) private readonly keys: ApiKeyStore,
    @Inject(VAULT) private readonly vault: PiiVault | undefined,
  ) {}

  async onApplicationShutdown(signal?: string): Promise<void> {
    await this.accessLog.close();
    await this.keys.close();
    await this.store.close();
    await this.vault?.close();
    await this.db.close();
    this.logger.info({ signal }, 'event store closed: every accepted append has settled');
  }
}

export interface PlatformOptions {
  readonly config: JourneyConfig;
  readonly logger?: Logger;
  readonly clock?: () => Date;
  /**
   * `server` (the default): a process that serves, bootstrapping the first admin key and
   * listening for commits and key changes. `command`: one command run from the CLI, which
   * creates no key unasked and listens to nothing.
   */
  readonly role?: 'server' | 'command';
  /**
   * Whether the process seals and opens personal data (the default). Without it no master key
   * is needed and no vault is opened (VAULT is undefined), and the store refuses writes, which
   * would store personal data unsealed: for commands that only read the log or other tables.
   */
  readonly personalData?: boolean;
}

/**
 * Config, logging, metrics, the database (migrated at start) and the event store, shared by
 * every service module of a process.
 */
@Global()
@Module({})
export class PlatformModule {
  static forRoot(options: PlatformOptions): DynamicModule {
    const logger = options.logger ?? createLogger(options.config.logLevel);
    const serving = (options.role ?? 'server') === 'server';
    const migrations: MigrationsAtOpen = {};
    const personalData = options.personalData ?? true;
    // Before anything touches the database: a server without a master key is refused outright.
    const masterKey = personalData ? resolveMasterKey(options.config) : undefined;
    if (masterKey?.createdIn) {
      logger.warn(createdKeyNotice(masterKey.createdIn));
    }
    return {
      module: PlatformModule,
      // The command and query buses every controller dispatches to (in-process; never the event backbone).
      imports: [CqrsModule.forRoot(), ThrottlerModule.forRoot(rateLimitOptions(options.config))],
      controllers: [OperationsController, KeysController, MeController],
      providers: [
        { provide: CONFIG, useValue: options.config },
        { provide: LOGGER, useValue: logger },
        { provide: CLOCK, useValue: options.clock ?? (() => new Date()) },
        { provide: METRICS, useFactory: createRegistry },
        { provide: MIGRATIONS, useValue: migrations },
        {
          provide: DATABASE,
          inject: [CONFIG, METRICS],
          useFactory: async (config: JourneyConfig, registry: Registry): Promise<Database> => {
            const db = await openDatabase({
              url: config.databaseUrl,
              dataDir: config.dataDir,
              poolSize: serving ? config.poolSize : Math.min(config.poolSize, 4),
              applicationName: serving ? 'journey-engine' : 'journey-cli',
            });
            try {
              const report = await migrate(db);
              migrations.report = report;
              if (report.applied.length) logger.info({ applied: report.applied }, 'database migrated');
            } catch (error) {
              await db.close();
              throw error;
            }
            horizonMetrics(registry, db);
            return db;
          },
        },
        {
          provide: VAULT,
          inject: [DATABASE, CONFIG],
          useFactory: (db: Database) => (masterKey ? openVault(db, masterKey.key, (message) => logger.warn(message)) : undefined),
        },
        {
          provide: EVENT_STORE,
          inject: [DATABASE, CONFIG, METRICS, CLOCK, VAULT],
          useFactory: async (db: Database, config: JourneyConfig, registry: Registry, clock: () => Date, vault: PiiVault | undefined): Promise<EventStore> => {
            // The log on KurrentDB; the read models, checkpoints and PII keys stay in `db`.
            if (config.eventStore.kind === 'kurrentdb') {
              const kurrent = await KurrentEventStore.connect(config.eventStore.url, db, { clock, vault });
              return vault ? kurrent : readOnlyStore(kurrent);
            }
            const store = new PostgresEventStore(db, {
              writerSlots: config.writerSlots,
              observer: appendMetrics(registry),
              clock,
              vault,
            });
            if (serving) await store.listenForCommits();
            return vault ? store : readOnlyStore(store);
          },
        },
        {
          provide: API_KEYS,
          inject: [DATABASE, CONFIG],
          useFactory: async (db: Database, config: JourneyConfig): Promise<ApiKeyStore> => {
            const keys = new ApiKeyStore(db);
            if (!serving) return keys;
            const { created } = await keys.bootstrap(config.adminKey);
            // Shown once, on the terminal, never through the log.
            if (created) process.stdout.write(firstKeyNotice(created, config));
            await keys.watch();
            return keys;
          },
        },
        {
          provide: ACCESS_LOG,
          inject: [DATABASE],
          useFactory: (db: Database) => new AccessLog(db, (error) => logger.error({ err: error }, 'access log write failed')),
        },
        { provide: APP_GUARD, useClass: AuthGuard },
        { provide: APP_GUARD, useClass: ThrottlerGuard },
        StorageLifecycle,
        ...OPERATIONS_HANDLERS,
        ...KEYS_HANDLERS,
        ...LAG_PROVIDERS,
      ],
      exports: [CONFIG, LOGGER, CLOCK, METRICS, DATABASE, VAULT, EVENT_STORE, API_KEYS, ACCESS_LOG, LAG_MONITOR, ADMISSION, PARTITIONS],
    };
  }
}

/** The first admin key, shown once on the terminal (never through the log), with what to do next. */
function firstKeyNotice(key: string, config: JourneyConfig): string {
  const base = config.port > 0 ? `http://${config.host}:${config.port}` : 'the engine';
  return [
    '',
    'No API keys yet: created an admin key. Keep it, it is not shown again:',
    '',
    `  export KEY=${key}`,
    '',
    'Next, once the engine says it is listening:',
    `  curl -s ${base}/health`,
    `  curl -s ${base}/v1/keys -H "authorization: Bearer $KEY"        # the keys; POST one per app and role`,
    `  open ${base}/docs                                               # every route, with its roles`,
    '',
    '',
  ].join('\n');
}
