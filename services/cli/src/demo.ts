import { randomBytes, randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { EngineModule } from '@journey/engine';
import { EVENT_STORE, type EventStore } from '@journey/event-store';
import { defaultMigrationsDir, type Database, type Queryable } from '@journey/database';
import { CONFIG, DATABASE, createHttpApp, createLogger, listen, loadConfig, type JourneyConfig } from '@journey/platform';
import { CUSTOMER_PROJECTION, Projector } from '@journey/projections';
import { demoUntil } from './demo-seed';
import { duration } from './seed/progress';
import { seed, storeSink } from './seed/seed';

export interface DemoOptions {
  readonly customers: number;
  readonly dataDir: string;
  readonly port: number;
  /** Stop once the summary is printed (else the engine keeps serving until Ctrl-C). */
  readonly exit: boolean;
}

/** Receives the demo's webhooks and counts them by path (what a CRM's messaging API would get). */
async function startReceiver(): Promise<{ server: Server; url: string; received: Map<string, number> }> {
  const received = new Map<string, number>();
  const server = createServer((request, response) => {
    request.resume();
    request.on('end', () => {
      received.set(request.url ?? '/', (received.get(request.url ?? '/') ?? 0) + 1);
      response.writeHead(200).end();
    });
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, received };
}

/** The example rules of infra/rules, pointed at the demo's receiver. */
function demoRules(dataDir: string, receiverUrl: string): string {
  const folder = join(dirname(defaultMigrationsDir()), 'rules');
  const text = readFileSync(join(folder, 'rules.json'), 'utf8')
    .replaceAll('http://127.0.0.1:4000', receiverUrl)
    .replaceAll('"templateFile": "', `"templateFile": ${JSON.stringify(folder + '/').slice(0, -1)}`);
  const target = join(dataDir, 'demo-rules.json');
  writeFileSync(target, text);
  return target;
}

/**
 * The engine on the embedded default with a generated population: seeds it, lets the projector
 * and the rules run, and prints what came out (funnel, tiers, actions, one customer's 360) with
 * what to try next.
 */
export async function runDemo(options: DemoOptions): Promise<void> {
  const say = (line = ''): void => void process.stdout.write(`${line}\n`);
  const dataDir = resolve(options.dataDir);
  mkdirSync(dataDir, { recursive: true });
  const receiver = await startReceiver();
  const key = `jrn_demo_${randomBytes(32).toString('base64url')}`;
  const config = loadConfig({
    ...process.env,
    DATABASE_URL: '',
    JOURNEY_DATA_DIR: dataDir,
    JOURNEY_RULES_FILE: demoRules(dataDir, receiver.url),
    JOURNEY_RATE_LIMITS: 'off',
    // The demo's own admin key, given to the engine, so that it creates (and prints) no other.
    JOURNEY_ADMIN_KEY: key,
    LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn',
  });
  say(`journey demo: the engine on embedded PGlite in ${dataDir}, the example rules, ${options.customers.toLocaleString('en-US')} generated customers`);
  const logger = createLogger(config.logLevel);
  const app = await createHttpApp(EngineModule.forRoot({ config, logger }), logger);
  const { url: base } = await listen(app, config.host, options.port);
  try {
    const store = app.get<EventStore<Queryable>>(EVENT_STORE);
    const db = app.get<Database>(DATABASE);

    say(`\n1. Seeding (deterministic, seed 1; a second run appends nothing new)`);
    const now = new Date();
    const seeded = await seed(storeSink(store, now), { seed: 1, customers: options.customers, until: demoUntil(dataDir, now), quiet: !process.stderr.isTTY }, now);
    say(`   ${seeded.appended.toLocaleString('en-US')} events appended, ${seeded.alreadyStored.toLocaleString('en-US')} already stored, in ${duration(seeded.seconds)}`);

    say(`2. Projecting and running the rules`);
    await settled(store);
    const rfm = await new Projector(db, store, app.get<JourneyConfig>(CONFIG).projections, () => new Date()).runRfm();
    await settled(store);
    say(`   value tiers scored for ${rfm.customers.toLocaleString('en-US')} customers`);

    say(`3. Live traffic through the ingest API: new customers buy, high-value customers open tickets`);
    const live = await liveTraffic(app, key);
    say(`   ${live} events accepted`);
    await settled(store);
    await settled(store); // the stage changes and actions the pass derived, judged by it in turn
    await drained(db);

    await printSummary(app, base, key, receiver.received, say);
    say(
      options.exit
        ? `\nTry next (the demo engine has stopped: start it again on this data set with \`JOURNEY_ADMIN_KEY=$KEY JOURNEY_DATA_DIR=${options.dataDir} npm start\`, at http://127.0.0.1:3000):`
        : `\nTry next (the engine is at ${base}; KEY is the admin key of this demo):`,
    );
    const at = options.exit ? 'http://127.0.0.1:3000' : base;
    say(`  export KEY=${key}`);
    say(`  curl -s "${at}/v1/customers?stage=at_risk&tier=high&limit=5" -H "authorization: Bearer $KEY"`);
    say(`  curl -s "${at}/v1/analytics/funnel" -H "authorization: Bearer $KEY"`);
    say(`  curl -s "${at}/v1/exports/customers.csv?stage=loyal" -H "authorization: Bearer $KEY" | head`);
    say(`  curl -s "${at}/v1/audit/verify" -H "authorization: Bearer $KEY"`);
    say(`  open ${at}/docs for every route`);
    if (!options.exit) say(`  JOURNEY_ADMIN_KEY=$KEY JOURNEY_DATA_DIR=${options.dataDir} npm start     # this data set, without the demo`);
    if (options.exit) return;
    say(`\nServing until Ctrl-C.`);
    await new Promise<void>((done) => {
      process.once('SIGINT', done);
      process.once('SIGTERM', done);
    });
  } finally {
    await app.close();
    receiver.server.close();
  }
}

/**
 * What happens on a live day: 20 new customers register (consenting to email) and buy, which
 * makes them first-time buyers (the welcome rule); 10 high-tier customers open a ticket (the VIP
 * escalation rule). Posted to /v1/events as an upstream app would.
 */
async function liveTraffic(app: NestFastifyApplication, key: string): Promise<number> {
  const now = new Date().toISOString();
  const event = (type: string, customerId: string, data: Record<string, unknown>) => ({
    eventId: randomUUID(),
    type,
    customerId,
    occurredAt: now,
    source: 'demo',
    data,
  });
  const events = [];
  for (let n = 1; n <= 20; n++) {
    const customerId = `live-${Date.now().toString(36)}-${n}`;
    events.push(
      event('CustomerRegistered', customerId, { name: `Live Customer ${n}`, email: `live.${n}@example.com`, country: 'GB', timezone: 'UTC' }),
      event('ConsentChanged', customerId, { channel: 'email', purpose: 'marketing', granted: true }),
      event('PurchaseCompleted', customerId, {
        orderId: `live-order-${n}`,
        items: [{ sku: 'SKU-00001', category: 'shoes', quantity: 1, unitPrice: 5900 }],
        total: 5900,
        currency: 'EUR',
        channel: 'web',
      }),
    );
  }
  const high = await app.inject({ method: 'GET', url: '/v1/customers?tier=high&limit=10', headers: { authorization: `Bearer ${key}` } });
  for (const { customerId } of (JSON.parse(high.body) as { customers: Array<{ customerId: string }> }).customers) {
    events.push(event('TicketOpened', customerId, { ticketId: `live-${randomUUID().slice(0, 8)}`, subject: 'My order has not arrived', channel: 'email', priority: 'high' }));
  }
  const reply = await app.inject({
    method: 'POST',
    url: '/v1/events',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    payload: JSON.stringify({ events }),
  });
  if (reply.statusCode !== 202) throw new Error(`the live traffic was refused: ${reply.statusCode} ${reply.body}`);
  return events.length;
}

/** Until the customer pass (fold and rules) has taken everything committed so far. */
async function settled(store: EventStore<Queryable>, timeoutMs = 300_000): Promise<void> {
  const last = await store.lastCommitted();
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await store.checkpointsReached([CUSTOMER_PROJECTION], last)) return;
    if (Date.now() > deadline) throw new Error('the customer pass did not catch up in time');
    await new Promise((done) => setTimeout(done, 250));
  }
}

/** Until the outbox has no action due now (or a few seconds have passed). */
async function drained(db: Database, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const { rows } = await db.query<{ n: number }>("SELECT count(*)::int AS n FROM journey.outbox WHERE state = 'pending' AND next_attempt_at <= now()");
    if (rows[0]!.n === 0) return;
    await new Promise((done) => setTimeout(done, 250));
  }
}

async function printSummary(
  app: NestFastifyApplication,
  base: string,
  key: string,
  received: ReadonlyMap<string, number>,
  say: (line?: string) => void,
): Promise<void> {
  const get = async <T>(path: string): Promise<T> => {
    const response = await app.inject({ method: 'GET', url: path, headers: { authorization: `Bearer ${key}` } });
    if (response.statusCode !== 200) throw new Error(`GET ${path}: ${response.statusCode} ${response.body}`);
    return JSON.parse(response.body) as T;
  };
  const funnel = await get<{ stages: Record<string, number> }>('/v1/analytics/funnel');
  say(`\nLifecycle funnel (${base}/v1/analytics/funnel)`);
  for (const [stage, customers] of Object.entries(funnel.stages)) say(`  ${stage.padEnd(22)} ${String(customers).padStart(7)}`);

  const value = await get<{ tiers: Record<string, number>; segments: Record<string, number>; unscored: number }>('/v1/analytics/value');
  say(`\nValue tiers and the largest RFM segments (/v1/analytics/value)`);
  for (const [tier, customers] of Object.entries(value.tiers)) say(`  ${tier.padEnd(22)} ${String(customers).padStart(7)}`);
  for (const [segment, customers] of Object.entries(value.segments).sort((a, b) => b[1] - a[1]).slice(0, 5)) {
    say(`  ${segment.padEnd(22)} ${String(customers).padStart(7)}`);
  }

  const campaigns = await get<{
    rules: Array<{ ruleId: string; matched: number; waiting: number; cancelled: number; pending: number; dispatched: number; failed: number; suppressed: Record<string, number> }>;
  }>('/v1/analytics/campaigns');
  say(`\nWhat the example rules did with each match (/v1/analytics/campaigns)`);
  for (const rule of campaigns.rules) {
    const figures = { matched: rule.matched, waiting: rule.waiting, dispatched: rule.dispatched, pending: rule.pending, failed: rule.failed, cancelled: rule.cancelled };
    const suppressed = Object.entries(rule.suppressed).map(([reason, n]) => `suppressed ${reason} ${n}`);
    say(`  ${rule.ruleId.padEnd(24)} ${[...Object.entries(figures).map(([name, n]) => `${name} ${String(n).padStart(4)}`), ...suppressed].join('  ')}`);
  }
  const webhooks = [...received.values()].reduce((sum, n) => sum + n, 0);
  say(`  webhooks received by the demo's receiver: ${webhooks}`);
  say("  (matched = waiting + dispatched + pending + failed + cancelled + suppressed. waiting: held by the rule's wait, or by its");
  say("  quiet hours in the customer's time zone, until they end; cancelled: a wait an event ended; holdout: kept out to measure lift)");

  const loyal = await get<{ customers: Array<{ customerId: string }> }>('/v1/customers?stage=loyal&limit=1');
  const anyone = loyal.customers[0] ?? (await get<{ customers: Array<{ customerId: string }> }>('/v1/customers?limit=1')).customers[0];
  if (anyone) {
    const customer = await get<Record<string, unknown>>(`/v1/customers/${encodeURIComponent(anyone.customerId)}`);
    const { recentActivity, ...profile360 } = customer as { recentActivity?: unknown[] };
    say(`\nOne customer's 360 (/v1/customers/${anyone.customerId}), without its ${recentActivity?.length ?? 0} recent events:`);
    say(JSON.stringify(profile360, null, 2).replace(/^/gm, '  '));
  }
}
