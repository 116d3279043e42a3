/**
 * The population of the query benchmark. A million customers through the event log would take
 * some hundred million events, so: a generated base (`journey seed`) is folded by the projector
 * from the log as in production (the lifecycle clock run once); its rows are cloned into the
 * rest of the million with new ids, cities, amounts and times, valued with the RFM job's own
 * functions, and written through the projection's own upsert (saveCustomers); then the RFM job
 * runs over everyone (its events folded by the projector), and VACUUM ANALYZE.
 */
import { Random } from '@journey/datagen';
import { advanceTo, nextReviewAt, rfmInput, scoreRfm, type Customer360, type LifecycleThresholds, type PurchaseRecord, type RfmInput, type RfmScore } from '@journey/domain';
import { PostgresEventStore } from '@journey/event-store/postgres';
import { migrate, PgDatabase, type Database } from '@journey/database';
import { DEFAULT_PROJECTION_OPTIONS } from '@journey/platform';
import { fromRow, LIVE_TABLES, Projector, saveCustomers } from '@journey/projections';
import { seed, storeSink } from '../../services/cli/src/seed/seed';
import { fmt } from './bench-support';

const DAY = 86_400_000;
/** Rows per upsert statement, and statements in flight. */
const BATCH = 5000;
const WRITERS = 2;
/** How far a clone's whole history is moved in time (never past now). */
const SHIFT_DAYS = 60;

export interface PopulationOptions {
  readonly customers: number;
  /** Generated customers whose events are in the log; the rest are clones of them. */
  readonly base: number;
  readonly now: Date;
  readonly log: (line: string) => void;
}

export interface Population {
  readonly customers: number;
  readonly base: number;
  readonly baseEvents: number;
  readonly clones: number;
  /** Seconds per step. */
  readonly seconds: { readonly seed: number; readonly fold: number; readonly clone: number; readonly rfm: number; readonly analyze: number; readonly total: number };
  readonly rfmChanged: number;
  readonly tableMiB: number;
}

export async function populate(url: string, options: PopulationOptions): Promise<Population> {
  const { now, log } = options;
  const started = performance.now();
  const lap = (() => {
    let last = started;
    return () => {
      const at = performance.now();
      const seconds = (at - last) / 1000;
      last = at;
      return seconds;
    };
  })();
  const db = new PgDatabase({ url, poolSize: 6, applicationName: 'journey-bench-query-seed' });
  const store = new PostgresEventStore(db);
  try {
    await migrate(db);
    log(`seeding the base: ${fmt(options.base)} generated customers into the event log`);
    const seeded = await seed(storeSink(store, now), { seed: 1, customers: options.base, concurrency: 4, batch: 1000, quiet: true }, now);
    const seedSeconds = lap();
    log(`  ${fmt(seeded.events)} events in ${seedSeconds.toFixed(1)} s`);

    const projection = { ...DEFAULT_PROJECTION_OPTIONS, clockIntervalMs: 0, rfmIntervalMs: 0 };
    const projector = new Projector(db, store, projection, () => now);
    projector.start();
    try {
      await projector.caughtUp();
      await projector.reviewLifecycles(now);
      await projector.caughtUp();
      const foldSeconds = lap();
      log(`  folded by the projector (and the lifecycle clock) in ${foldSeconds.toFixed(1)} s`);

      const clones = options.customers - seeded.customers;
      log(`cloning ${fmt(clones)} customers (RFM-scored) through saveCustomers, ${fmt(BATCH)} rows a statement`);
      await writeClones(db, await baseCustomers(db), seeded.customers, clones, now.getTime(), projection.lifecycle);
      const cloneSeconds = lap();
      log(`  in ${cloneSeconds.toFixed(1)} s (${fmt(clones / cloneSeconds)} rows/s)`);

      log('running the RFM job over everyone (its ValueTierChanged events folded by the projector)');
      const rfm = await projector.runRfm(now);
      await projector.caughtUp();
      const rfmSeconds = lap();
      log(`  ${fmt(rfm.customers)} buyers scored, ${fmt(rfm.changed)} changed, in ${rfmSeconds.toFixed(1)} s`);
      if (rfm.changed > seeded.customers) log(`  (more changes than base customers: the clones' scores differ from the job's)`);

      await db.query(`VACUUM (ANALYZE) ${LIVE_TABLES.customers}`);
      await db.query('VACUUM (ANALYZE) journey.events');
      const analyzeSeconds = lap();
      const { rows } = await db.query<{ count: string; bytes: string }>(
        `SELECT count(*) AS count, pg_total_relation_size('${LIVE_TABLES.customers}') AS bytes FROM ${LIVE_TABLES.customers}`,
      );
      return {
        customers: Number(rows[0]!.count),
        base: seeded.customers,
        baseEvents: seeded.events,
        clones,
        seconds: { seed: seedSeconds, fold: foldSeconds, clone: cloneSeconds, rfm: rfmSeconds, analyze: analyzeSeconds, total: (performance.now() - started) / 1000 },
        rfmChanged: rfm.changed,
        tableMiB: Number(rows[0]!.bytes) / 2 ** 20,
      };
    } finally {
      await projector.stop();
    }
  } finally {
    await store.close();
    await db.close();
  }
}

async function baseCustomers(db: Database): Promise<Customer360[]> {
  const { rows } = await db.query(`SELECT * FROM ${LIVE_TABLES.customers} ORDER BY customer_id`);
  return rows.map((row) => fromRow(row as Parameters<typeof fromRow>[0]));
}

/** How one clone differs from its source, drawn before any is written. */
interface ClonePlan {
  readonly source: Int32Array;
  /** Milliseconds the whole history moves (negative: back in time). */
  readonly shift: Float64Array;
  readonly scale: Float64Array;
}

function planClones(base: readonly Customer360[], count: number, now: number): ClonePlan {
  const random = new Random(20_261_123, 1);
  const room = base.map((customer) => now - latestInstant(customer));
  const plan: ClonePlan = { source: new Int32Array(count), shift: new Float64Array(count), scale: new Float64Array(count) };
  for (let i = 0; i < count; i++) {
    const source = Math.floor(random.next() * base.length);
    plan.source[i] = source;
    plan.shift[i] = Math.round(Math.min((random.next() * 2 - 1) * SHIFT_DAYS * DAY, room[source]!));
    plan.scale[i] = Math.min(4, Math.max(0.25, random.logNormal(1, 0.4)));
  }
  return plan;
}

function latestInstant(customer: Customer360): number {
  return Math.max(
    ...[customer.registeredAt, customer.lastActivityAt, customer.lastEngagementAt, customer.lastPurchaseAt, ...Object.values(customer.consent).map((c) => c.at)]
      .filter((at): at is string => at !== null)
      .map((at) => Date.parse(at)),
    customer.lifecycle.since ?? 0,
    customer.lifecycle.asOf ?? 0,
  );
}

function clonedPurchases(source: Customer360, shift: number, scale: number): PurchaseRecord[] {
  return source.purchases.map((p) => ({ ...p, at: p.at + shift, total: Math.round(p.total * scale) }));
}

/**
 * The RFM scores the job will find for every clone: the job's own functions over the same
 * population (the base and all the clones) at the same instant. The clones are written with
 * them, as folding the job's ValueTierChanged would have left them, so that the job's run
 * afterwards has the base customers to change only: a million events less to append and fold.
 */
function cloneScores(base: readonly Customer360[], plan: ClonePlan, now: number): { scores: RfmScore[]; index: Int32Array } {
  const options = { ...DEFAULT_PROJECTION_OPTIONS, windowDays: DEFAULT_PROJECTION_OPTIONS.rfmWindowDays };
  const inputs: RfmInput[] = [];
  for (const customer of base) {
    const input = rfmInput(customer.customerId, customer.purchases, now, options);
    if (input) inputs.push(input);
  }
  const index = new Int32Array(plan.source.length).fill(-1);
  for (let i = 0; i < plan.source.length; i++) {
    const input = rfmInput('', clonedPurchases(base[plan.source[i]!]!, plan.shift[i]!, plan.scale[i]!), now, options);
    if (!input) continue;
    index[i] = inputs.length;
    inputs.push(input);
  }
  return { scores: scoreRfm(inputs, options), index };
}

/** Clones `count` customers, ids following the generator's (c1-<n>), WRITERS statements at a time. */
async function writeClones(db: Database, base: readonly Customer360[], first: number, count: number, now: number, lifecycle: LifecycleThresholds): Promise<void> {
  const plan = planClones(base, count, now);
  const { scores, index } = cloneScores(base, plan, now);
  // The job's run slot (Projector.runRfm with the schedule off: a minute).
  const run = new Date(Math.floor(now / 60_000) * 60_000).toISOString();
  const random = new Random(20_261_123, 2);
  const cities = new Map<string, string[]>();
  for (const customer of base) {
    const { country, city } = customer.profile;
    if (country === undefined || city === undefined) continue;
    const list = cities.get(country) ?? [];
    if (!list.includes(city)) list.push(city);
    cities.set(country, list);
  }
  const inFlight = new Set<Promise<void>>();
  for (let i = 0; i < count; ) {
    const batch: Customer360[] = [];
    for (; batch.length < BATCH && i < count; i++) {
      const clone = cloneCustomer(base[plan.source[i]!]!, first + i + 1, plan.shift[i]!, plan.scale[i]!, random, cities, now, lifecycle);
      const score = index[i]! < 0 ? undefined : scores[index[i]!]!;
      batch.push(score ? { ...clone, tier: score.tier, segment: score.segment, rfm: { recency: score.recency, frequency: score.frequency, monetary: score.monetary }, tierSince: run } : clone);
    }
    while (inFlight.size >= WRITERS) await Promise.race(inFlight);
    const write: Promise<void> = saveCustomers(db, LIVE_TABLES, batch.map((after) => ({ before: undefined, after }))).finally(() => inFlight.delete(write));
    inFlight.add(write);
  }
  await Promise.all(inFlight);
}

/**
 * Another customer like `source`: a new id, e-mail, city (of the same country) and visitor ids;
 * amounts scaled; the whole history moved in time, and the lifecycle then brought up to now as
 * the clock would.
 */
function cloneCustomer(
  source: Customer360,
  n: number,
  shift: number,
  scale: number,
  random: Random,
  cities: ReadonlyMap<string, readonly string[]>,
  now: number,
  lifecycle: LifecycleThresholds,
): Customer360 {
  const move = (at: string | null): string | null => (at === null ? null : new Date(Date.parse(at) + shift).toISOString());
  const amounts = (byCurrency: Readonly<Record<string, number>>) => Object.fromEntries(Object.entries(byCurrency).map(([currency, amount]) => [currency, Math.round(amount * scale)]));
  const { country, email } = source.profile;
  const options = country === undefined ? undefined : cities.get(country);
  let clone: Customer360 = {
    ...source,
    customerId: `c1-${n}`,
    profile: {
      ...source.profile,
      ...(email === undefined ? {} : { email: email.replace(/\.\d+@/, `.${n}@`) }),
      ...(options ? { city: random.pick(options) } : {}),
    },
    registeredAt: move(source.registeredAt),
    identities: source.identities.map(() => `v-${random.uuid().slice(0, 13)}`),
    consent: Object.fromEntries(Object.entries(source.consent).map(([key, state]) => [key, { ...state, at: move(state.at)! }])),
    revenue: amounts(source.revenue),
    refunds: amounts(source.refunds),
    firstPurchaseAt: move(source.firstPurchaseAt),
    lastPurchaseAt: move(source.lastPurchaseAt),
    purchases: clonedPurchases(source, shift, scale),
    lastActivityAt: move(source.lastActivityAt),
    lastEngagementAt: move(source.lastEngagementAt),
    lifecycle: {
      ...source.lifecycle,
      since: source.lifecycle.since === null ? null : source.lifecycle.since + shift,
      purchases: source.lifecycle.purchases.map((at) => at + shift),
      asOf: source.lifecycle.asOf === null ? null : source.lifecycle.asOf + shift,
    },
    nextReviewAt: move(source.nextReviewAt),
  };
  // Moved back in time, a clone may be due a transition: the one the clock would append.
  const { transitions } = advanceTo(clone.lifecycle, now, lifecycle);
  const last = transitions[transitions.length - 1];
  if (last) {
    const state = { ...clone.lifecycle, stage: last.to, since: last.at, asOf: last.at };
    const review = nextReviewAt(state, lifecycle);
    clone = { ...clone, lifecycle: state, nextReviewAt: review === null ? null : new Date(review).toISOString() };
  }
  return clone;
}
