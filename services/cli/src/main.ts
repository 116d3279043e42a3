import 'reflect-metadata';
import { Command } from 'commander';
import { PostgresEventStore } from '@journey/event-store/postgres';
import { migrate, openDatabase, type Database } from '@journey/database';
import { ApiKeyStore, ConfigError, createdKeyNotice, createLogger, isRole, loadConfig, openVault, resolveMasterKey, ROLES } from '@journey/platform';
import { kafkaClient } from '@journey/kafka';
import { DeadLetterStore } from '@journey/ingest';
import { ensureTopics, journeyTopics } from '@journey/kafka';
import { customer360View } from '@journey/domain';
import { customerAsOf, Projector, rebuildCustomerProjection } from '@journey/projections';
import { ruleResults, RuleStore, webhookSecret } from '@journey/journeys';
import { runDemo } from './demo';
import { duration } from './seed/progress';
import { httpSink, seed, storeSink } from './seed/seed';

async function withDatabase<T>(work: (db: Database) => Promise<T>): Promise<T> {
  const config = loadConfig();
  const db = await openDatabase({ url: config.databaseUrl, dataDir: config.dataDir, poolSize: 4, applicationName: 'journey-cli' });
  try {
    return await work(db);
  } finally {
    await db.close();
  }
}

/** The database, migrated, and its event store with the vault that seals and opens PII. */
async function withStore<T>(work: (db: Database, store: PostgresEventStore) => Promise<T>): Promise<T> {
  const say = (message: string): void => void process.stderr.write(`${message}\n`);
  const masterKey = resolveMasterKey(loadConfig());
  if (masterKey.createdIn) say(createdKeyNotice(masterKey.createdIn));
  return withDatabase(async (db) => {
    await migrate(db);
    const vault = await openVault(db, masterKey.key, say);
    const store = new PostgresEventStore(db, { vault });
    try {
      return await work(db, store);
    } finally {
      await store.close();
      await vault.close();
    }
  });
}

const program = new Command()
  .name('journey')
  .description('journey: the event-sourced customer-journey engine (DATABASE_URL, or PGlite in JOURNEY_DATA_DIR)');

program
  .command('migrate')
  .description('apply the database migrations of infra/sql that are not applied yet')
  .action(async () => {
    const report = await withDatabase((db) => migrate(db));
    const applied = report.applied.length ? report.applied.join(', ') : 'nothing new';
    process.stdout.write(`migrated: ${applied} (${report.alreadyApplied} applied before)\n`);
  });

program
  .command('verify')
  .description("recompute streams' hash chains and report the first broken position")
  .argument('<streamIds...>', 'stream ids, e.g. customer-42')
  .action(async (streamIds: string[]) => {
    // The chains cover sealed text: verifying needs no master key.
    const broken = await withDatabase(async (db) => {
      await migrate(db);
      const store = new PostgresEventStore(db);
      let failures = 0;
      for (const streamId of streamIds) {
        const result = await store.verify(streamId);
        if (result.ok) process.stdout.write(`${streamId}: ok (${result.events} events)\n`);
        else {
          failures++;
          process.stdout.write(`${streamId}: BROKEN at position ${result.brokenAt}: ${result.reason}\n`);
        }
      }
      await store.close();
      return failures;
    });
    process.exitCode = broken > 0 ? 2 : 0;
  });

program
  .command('seed')
  .description('generate a realistic customer population and append its events (deterministic from --seed)')
  .option('--customers <n>', 'customers to generate', '10000')
  .option('--seed <n>', 'the random seed: same seed and options, same events', '1')
  .option('--until <instant>', 'end of the history (default: the start of today, UTC)')
  .option('--days <n>', 'length of the history in days', '730')
  .option('--via <sink>', 'store (append directly) or http (post to a running engine)', 'store')
  .option('--url <url>', 'the engine, with --via http', 'http://127.0.0.1:3000')
  .option('--batch <n>', 'events per call', '500')
  .option('--concurrency <n>', 'calls in flight', '4')
  .action(async (options: Record<string, string>) => {
    const now = new Date();
    const until = options.until ? new Date(options.until) : undefined;
    if (until && Number.isNaN(until.getTime())) throw new Error(`--until ${options.until} is not an instant`);
    const seedOptions = {
      seed: positive('--seed', options.seed!, 0),
      customers: positive('--customers', options.customers!),
      days: positive('--days', options.days!),
      until,
      batch: positive('--batch', options.batch!),
      concurrency: positive('--concurrency', options.concurrency!),
    };
    if (options.via !== 'http' && options.via !== 'store') throw new Error(`--via must be store or http, not ${options.via}`);
    const report =
      options.via === 'http'
        ? await seed(httpSink(options.url!), seedOptions, now)
        : await withStore((_db, store) => seed(storeSink(store, now), seedOptions, now));
    process.stdout.write(
      `seeded ${report.customers.toLocaleString('en-US')} customers, ${report.events.toLocaleString('en-US')} events in ${duration(report.seconds)}` +
        ` (${Math.round(report.events / report.seconds).toLocaleString('en-US')} events/s)\n`,
    );
  });

program
  .command('demo')
  .description('the engine on the embedded default with a generated population: seeds, projects, runs the example rules, prints a summary')
  .option('--customers <n>', 'customers to generate', '500')
  .option('--data-dir <dir>', 'the PGlite data folder of the demo', './data-demo')
  .option('--port <n>', 'where the engine listens (0: any free port)', '3000')
  .option('--exit', 'stop after the summary instead of serving until Ctrl-C')
  .action(async (options: Record<string, string | boolean>) => {
    await runDemo({
      customers: positive('--customers', String(options.customers)),
      dataDir: String(options.dataDir),
      port: positive('--port', String(options.port), 0),
      exit: options.exit === true,
    });
  });

const kafka = program.command('kafka').description('the Kafka ingest and relay (KAFKA_BROKERS)');

kafka
  .command('topics')
  .description('create the ingest topic, its dead-letter topic and the integration topic where they do not exist (infra/kafka/topics.json)')
  .action(async () => {
    const config = loadConfig();
    if (config.kafka.brokers.length === 0) throw new Error('set KAFKA_BROKERS (e.g. localhost:9092)');
    const logger = createLogger('warn');
    const { created, existing } = await ensureTopics(kafkaClient(config.kafka.brokers, 'journey-cli', logger), journeyTopics(config.kafka));
    for (const name of created) process.stdout.write(`created ${name}\n`);
    for (const name of existing) process.stdout.write(`exists ${name}\n`);
  });

kafka
  .command('dead-letters')
  .description('the messages the Kafka ingest refused, oldest first: where each was, its event id and type, and why')
  .option('--after <id>', 'only records after this id', '0')
  .option('--limit <n>', 'at most this many records', '100')
  .action(async (options: Record<string, string>) => {
    const records = await withDatabase(async (db) => {
      await migrate(db);
      return new DeadLetterStore(db, () => new Date()).list(positive('--after', options.after!, 0), positive('--limit', options.limit!));
    });
    for (const record of records) {
      const where = `${record.topic}[${record.partition}]@${record.offset}`;
      const what = record.eventId ? ` ${record.eventType ?? '?'} ${record.eventId}` : '';
      const why = record.errors.map((error) => `${error.field || 'value'}: ${error.reason}`).join('; ');
      process.stdout.write(`${record.id}\t${record.recordedAt}\t${where}${what}\t${why}\n`);
    }
  });

const projections = program.command('projections').description('the read models derived from the log');

projections
  .command('rebuild')
  .description('rebuild a projection from the whole log into shadow tables, then swap them in (reads go on meanwhile)')
  .argument('[name]', 'the projection: customer_360 (the only one, with its lifecycle and value tier)', 'customer_360')
  .action(async (name: string) => {
    if (name !== 'customer_360') throw new Error(`unknown projection ${name}; there is customer_360`);
    const config = loadConfig();
    const report = await withStore((db, store) =>
      rebuildCustomerProjection(db, store, {
        lifecycle: config.projections.lifecycle,
        batchSize: config.projections.batchSize,
        onProgress: (events) => process.stderr.isTTY && process.stderr.write(`\r${events.toLocaleString('en-US')} events folded`),
      }),
    );
    if (process.stderr.isTTY) process.stderr.write('\n');
    process.stdout.write(
      `rebuilt customer_360 from ${report.events.toLocaleString('en-US')} events in ${duration(report.seconds)}` +
        ` (${Math.round(report.events / Math.max(report.seconds, 0.001)).toLocaleString('en-US')} events/s) and swapped it in\n`,
    );
  });

program
  .command('rfm')
  .description('run the value-tier (RFM) job now, as the schedule would')
  .argument('<action>', 'run')
  .action(async (action: string) => {
    if (action !== 'run') throw new Error(`unknown action ${action}; use: journey rfm run`);
    const config = loadConfig();
    const report = await withStore((db, store) => new Projector(db, store, config.projections, () => new Date()).runRfm());
    process.stdout.write(`RFM run ${report.run}: ${report.customers} customers scored, ${report.changed} changed, ${report.appended} ValueTierChanged appended\n`);
  });

program
  .command('customer')
  .description('customers as the engine knew them')
  .command('as-of')
  .description("fold a customer's streams as recorded up to an instant: the 360, stage and tier as they were")
  .argument('<customerId>')
  .argument('<instant>', 'ISO 8601, e.g. 2026-03-01T12:00:00Z')
  .action(async (customerId: string, instant: string) => {
    const at = new Date(instant);
    if (Number.isNaN(at.getTime())) throw new Error(`${instant} is not an instant`);
    const config = loadConfig();
    const answer = await withStore((_db, store) => customerAsOf(store, customerId, at, config.projections.lifecycle));
    if (!answer) {
      process.stdout.write(`nothing was known of customer ${customerId} at ${at.toISOString()}\n`);
      process.exitCode = 3;
      return;
    }
    process.stdout.write(`${JSON.stringify({ ...answer, customer: customer360View(answer.customer, config.projections.rates) }, null, 2)}\n`);
  });

const rules = program.command('rules').description('marketing rules of the saga');

rules
  .command('load')
  .description('validate and save the rules of a JSON file (a new version only where a rule changed)')
  .argument('<file>')
  .action(async (file: string) => {
    const loaded = await withDatabase(async (db) => {
      await migrate(db);
      return new RuleStore(db).loadFile(file);
    });
    for (const rule of loaded) process.stdout.write(`${rule.id}: ${rule.changed ? 'saved as a new version' : 'unchanged'}\n`);
  });

rules
  .command('results')
  .description('what each rule did: matched, suppressed by reason, dispatched, failed, converted, lift')
  .argument('[ruleId]')
  .action(async (ruleId?: string) => {
    const results = await withDatabase(async (db) => {
      await migrate(db);
      return ruleResults(db, ruleId);
    });
    if (results.length === 0) process.stdout.write('no decisions yet\n');
    for (const r of results) {
      const suppressed = Object.entries(r.suppressed).map(([reason, n]) => `${reason} ${n}`).join(', ') || 'none';
      const pct = (x: number | null) => (x === null ? 'n/a' : `${(x * 100).toFixed(1)}%`);
      process.stdout.write(
        `${r.ruleId}: matched ${r.matched}, dispatched ${r.dispatched}, failed ${r.failed}, pending ${r.pending}, waiting ${r.waiting}, suppressed (${suppressed}); ` +
          `converted ${r.converted} (${pct(r.conversionRate)}), holdout ${r.holdout} converted ${r.holdoutConverted} (${pct(r.holdoutConversionRate)}), lift ${r.lift === null ? 'n/a' : pct(r.lift)}\n`,
      );
    }
  });

program
  .command('webhook-secret')
  .description('print the secret webhook signatures are made with (generated on first use unless JOURNEY_WEBHOOK_SECRET is set)')
  .action(async () => {
    const config = loadConfig();
    const { secret } = await withDatabase(async (db) => {
      await migrate(db);
      return webhookSecret(db, config.journeys.webhookSecret);
    });
    process.stdout.write(`${secret}\n`);
  });

const keys = program.command('keys').description('API keys (each carries one role: ingest, marketing, auditor, admin)');

keys
  .command('create')
  .description('create a key and print it (it is shown this once; only its hash is stored)')
  .requiredOption('--role <role>', ROLES.join(' | '))
  .option('--name <name>', 'what the key is for')
  .action(async (options: { role: string; name?: string }) => {
    if (!isRole(options.role)) throw new Error(`--role must be one of ${ROLES.join(', ')}, got ${options.role}`);
    const role = options.role;
    const { key, apiKey } = await withDatabase(async (db) => {
      await migrate(db);
      return new ApiKeyStore(db).create(role, options.name ?? `${role} key`);
    });
    process.stderr.write(`created key ${apiKey.id} (${apiKey.role}, "${apiKey.name}"); it is not shown again:\n`);
    process.stdout.write(`${key}\n`);
  });

keys
  .command('list')
  .description('every key: id, role, name, created, revoked')
  .action(async () => {
    const list = await withDatabase(async (db) => {
      await migrate(db);
      return new ApiKeyStore(db).list();
    });
    for (const key of list) process.stdout.write(`${key.id}\t${key.role}\t${key.name}\tcreated ${key.createdAt}${key.revokedAt ? `\trevoked ${key.revokedAt}` : ''}\n`);
  });

keys
  .command('revoke')
  .description('revoke a key for good (running engines stop accepting it within seconds)')
  .argument('<id>')
  .action(async (id: string) => {
    const found = await withDatabase(async (db) => {
      await migrate(db);
      return new ApiKeyStore(db).revoke(id);
    });
    if (!found) throw new Error(`no key ${id}`);
    process.stdout.write(`revoked ${id}\n`);
  });

function positive(name: string, raw: string, min = 1): number {
  const value = Number(raw);
  if (!Number.isSafeInteger(value) || value < min) throw new Error(`${name} must be an integer of at least ${min}, got ${raw}`);
  return value;
}

program.parseAsync(process.argv).catch((error: unknown) => {
  process.stderr.write(`journey: ${error instanceof ConfigError ? error.message : (error as Error).message}\n`);
  process.exitCode = 1;
});
