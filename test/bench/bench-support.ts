import { execSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, totalmem, type } from 'node:os';
import { dirname, join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { Client, Pool } from 'pg';
import { type NewEvent } from '@journey/event-store';
import { migrate, PgDatabase } from '@journey/database';

/** The PostgreSQL the benchmarks use: DATABASE_URL's server, or the local one, in a database of their own. */
export async function benchDatabaseUrl(name: string): Promise<string> {
  return databaseOnBenchServer(name, true);
}

/**
 * The same database, kept if it exists (created empty otherwise): for a benchmark asked to
 * measure again over the data its previous run left.
 */
export async function keptBenchDatabaseUrl(name: string): Promise<string> {
  return databaseOnBenchServer(name, false);
}

async function databaseOnBenchServer(name: string, fresh: boolean): Promise<string> {
  const admin = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  const client = new Client({ connectionString: admin });
  await client.connect();
  try {
    if (fresh) await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (!rowCount) await client.query(`CREATE DATABASE ${name}`);
  } finally {
    await client.end();
  }
  const url = new URL(admin);
  url.pathname = `/${name}`;
  return url.toString();
}

/** A fresh copy of the database `template` on the bench server (no one may be connected to the template). */
export async function copyDatabase(template: string, name: string): Promise<string> {
  const admin = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  const client = new Client({ connectionString: admin });
  await client.connect();
  try {
    await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await client.query(`CREATE DATABASE ${name} TEMPLATE ${template}`);
  } finally {
    await client.end();
  }
  const url = new URL(admin);
  url.pathname = `/${name}`;
  return url.toString();
}

export interface Machine {
  readonly cpu: string;
  readonly cores: number;
  readonly memoryGiB: number;
  readonly os: string;
  readonly node: string;
  readonly postgres: string;
}

export async function describeMachine(url: string): Promise<Machine> {
  const client = new Client({ connectionString: url });
  await client.connect();
  const { rows } = await client.query<{ server_version: string }>('SHOW server_version');
  await client.end();
  return {
    cpu: cpus()[0]?.model ?? 'unknown',
    cores: cpus().length,
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    os: type(),
    node: process.version,
    postgres: rows[0]!.server_version,
  };
}

export function commitOf(): string {
  try {
    return execSync('git rev-parse --short HEAD', { encoding: 'utf8' }).trim();
  } catch {
    return 'unknown';
  }
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

/** One figure over the runs, as docs/benchmarks.json records it. */
export interface Spread {
  readonly median: number;
  readonly min: number;
  readonly max: number;
  readonly runs: readonly number[];
}

export function spreadOf(runs: readonly number[]): Spread {
  return { median: median(runs), min: Math.min(...runs), max: Math.max(...runs), runs };
}

/** The same figure as the markdown shows it: `median (min–max)`. */
export function spreadText(runs: readonly number[], show: (value: number) => string = fmt): string {
  const { median: middle, min, max } = spreadOf(runs);
  return `${show(middle)} (${show(min)}–${show(max)})`;
}

/** The q-quantile (0–1) of the values, nearest rank. */
export function quantile(values: readonly number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))] ?? Number.NaN;
}

/** A purchase of a typical size (about 400 bytes as JSON). */
export function purchaseData(n: number): Record<string, unknown> {
  return {
    orderId: `o-${n}`,
    items: [
      { sku: `SKU-${n % 977}`, category: 'shoes', name: 'Trail runner', quantity: 1, unitPrice: 8999 },
      { sku: `SKU-${(n * 7) % 977}`, category: 'socks', quantity: 2, unitPrice: 499 },
    ],
    total: 9997,
    currency: 'EUR',
    channel: 'web',
    storeId: 'eu-web',
  };
}

export function fmt(n: number): string {
  return Math.round(n).toLocaleString('en-US');
}

function docsDir(): string {
  let dir = __dirname;
  while (!existsSync(join(dir, 'package.json')) && dirname(dir) !== dir) dir = dirname(dir);
  const docs = join(dir, 'docs');
  mkdirSync(docs, { recursive: true });
  return docs;
}

function readOr(file: string, fallback: string): string {
  return existsSync(file) ? readFileSync(file, 'utf8') : fallback;
}

/**
 * Puts one benchmark's section into docs/benchmarks.md (replacing its previous one, keeping the
 * others) and its figures under `key` in docs/benchmarks.json. Returns the markdown file's path.
 */
export function recordResults(heading: string, section: string, key: string, figures: unknown): string {
  const file = recordSection(heading, section);
  const jsonFile = join(docsDir(), 'benchmarks.json');
  const json = JSON.parse(readOr(jsonFile, '{}')) as Record<string, unknown>;
  json[key] = figures;
  writeFileSync(jsonFile, `${JSON.stringify(json, null, 2)}\n`);
  return file;
}

/** Puts one benchmark's section into docs/benchmarks.md only (replacing its previous one). Returns the file's path. */
export function recordSection(heading: string, section: string): string {
  const file = join(docsDir(), 'benchmarks.md');
  const existing = readOr(file, '# Benchmarks\n\nEvery figure sits beside the raw ceiling C measured in the same run.\n');
  const start = existing.indexOf(heading);
  let updated: string;
  if (start < 0) {
    updated = `${existing.trimEnd()}\n\n${section.trimEnd()}\n`;
  } else {
    const next = existing.indexOf('\n## ', start + heading.length);
    updated = `${existing.slice(0, start)}${section.trimEnd()}\n${next < 0 ? '' : existing.slice(next)}`;
  }
  writeFileSync(file, updated);
  return file;
}

/** Streams picked at random among STREAMS of a fresh prefix, their positions counted for C. */
export class Streams {
  constructor(private readonly count = 10_000) {}

  private readonly prefix = `customer-b${randomUUID().slice(0, 8)}-`;
  private readonly positions = new Map<string, number>();
  pick(): string {
    return this.prefix + Math.floor(Math.random() * this.count);
  }
  nextPosition(stream: string): number {
    const next = (this.positions.get(stream) ?? 0) + 1;
    this.positions.set(stream, next);
    return next;
  }
}


/**
 * Runs `loops` loops at once until `seconds` have passed, each turn adding what `turn` returns
 * (rows or events written); the rate per second over the whole time.
 */
export async function timedLoops(loops: number, seconds: number, turn: (loop: number) => Promise<number>): Promise<number> {
  let written = 0;
  const started = performance.now();
  const deadline = started + seconds * 1000;
  await Promise.all(
    Array.from({ length: loops }, async (_, loop) => {
      while (performance.now() < deadline) {
        // (not `written += await …`: that would read `written` before the await and lose the other loops' turns)
        const done = await turn(loop);
        written += done;
      }
    }),
  );
  return written / ((performance.now() - started) / 1000);
}

/** A purchase as a row of journey.events (the fields the ceilings write), the n-th of a run. */
export interface CeilingRow {
  readonly stream: string;
  readonly position: number;
  readonly eventId: string;
  readonly data: string;
  readonly metadata: string;
  readonly at: string;
  readonly hash: string;
}

export function ceilingRow(streams: Streams, n: number): CeilingRow {
  const stream = streams.pick();
  const at = new Date().toISOString();
  return {
    stream,
    position: streams.nextPosition(stream),
    eventId: randomUUID(),
    data: JSON.stringify(purchaseData(n)),
    metadata: `{"correlationId":"req-${n}"}`,
    at,
    hash: randomUUID().replace(/-/g, '').repeat(2),
  };
}

/**
 * The raw ceiling C: INSERT … SELECT FROM unnest of 1,000-row batches over two connections into
 * an empty table of the same shape as journey.events.
 */
export async function ceiling(url: string, seconds: number): Promise<number> {
  const pool = new Pool({ connectionString: url, max: 2 });
  await pool.query('DROP TABLE IF EXISTS journey.ceiling; CREATE TABLE journey.ceiling (LIKE journey.events INCLUDING ALL)');
  const streams = new Streams();
  let n = 0;
  const rate = await timedLoops(2, seconds, async () => {
    const rows = Array.from({ length: 1000 }, () => ceilingRow(streams, n++));
    await pool.query(
      `INSERT INTO journey.ceiling (stream_id, stream_position, event_id, type, version, data, metadata, source, occurred_at, recorded_at, hash)
       SELECT s, p, i, 'PurchaseCompleted', 1, d, m, 'shop', o, r, decode(h, 'hex')
       FROM unnest($1::text[], $2::bigint[], $3::uuid[], $4::jsonb[], $5::jsonb[], $6::timestamptz[], $7::timestamptz[], $8::text[])
         AS u(s, p, i, d, m, o, r, h)`,
      [
        rows.map((r) => r.stream),
        rows.map((r) => r.position),
        rows.map((r) => r.eventId),
        rows.map((r) => r.data),
        rows.map((r) => r.metadata),
        rows.map((r) => r.at),
        rows.map((r) => r.at),
        rows.map((r) => r.hash),
      ],
    );
    return rows.length;
  });
  await pool.query('DROP TABLE journey.ceiling');
  await pool.end();
  return rate;
}

/**
 * Request bodies of one purchase each, as JSON text around fresh ids (the load generator posts
 * them as they are): to customers picked among `streams`, with purchaseData(1).
 */
export function purchaseBodies(streams: Streams): () => string {
  const data = JSON.stringify(purchaseData(1));
  return () =>
    `{"eventId":"${randomUUID()}","type":"PurchaseCompleted","customerId":"${streams.pick().slice('customer-'.length)}",` +
    `"occurredAt":"${new Date().toISOString()}","source":"shop","data":${data},"metadata":{"correlationId":"req"}}`;
}

/** A purchase as journey's library takes it (the peers get the same fields in their own shape). */
export function purchaseEvent(n: number, data: Record<string, unknown> = purchaseData(n)): NewEvent {
  return {
    eventId: randomUUID(),
    type: 'PurchaseCompleted',
    version: 1,
    occurredAt: new Date().toISOString(),
    source: 'shop',
    data,
    metadata: { correlationId: `req-${n}` },
  };
}

/** An empty journey store: the schema dropped and migrated again (every point starts so, as C does). */
export async function freshJourneySchema(url: string): Promise<void> {
  const client = new Client({ connectionString: url });
  await client.connect();
  await client.query('DROP SCHEMA IF EXISTS journey CASCADE');
  await client.end();
  const db = new PgDatabase({ url, poolSize: 1 });
  await migrate(db);
  await db.close();
}

