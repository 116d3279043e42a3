import { execSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, totalmem, type } from 'node:os';
import { dirname, join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { Client, Pool } from 'pg';

/** The PostgreSQL the benchmarks use: DATABASE_URL's server, or the local one, in a database of their own. */
export async function benchDatabaseUrl(name: string): Promise<string> {
  const admin = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  const client = new Client({ connectionString: admin });
  await client.connect();
  try {
    await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await client.query(`CREATE DATABASE ${name}`);
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
  const docs = docsDir();
  const file = join(docs, 'benchmarks.md');
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
  const jsonFile = join(docs, 'benchmarks.json');
  const json = JSON.parse(readOr(jsonFile, '{}')) as Record<string, unknown>;
  json[key] = figures;
  writeFileSync(jsonFile, `${JSON.stringify(json, null, 2)}\n`);
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
 * The raw ceiling C: INSERT … SELECT FROM unnest of 1,000-row batches over two connections into
 * an empty table of the same shape as journey.events.
 */
export async function ceiling(url: string, seconds: number): Promise<number> {
  const pool = new Pool({ connectionString: url, max: 2 });
  await pool.query('DROP TABLE IF EXISTS journey.ceiling; CREATE TABLE journey.ceiling (LIKE journey.events INCLUDING ALL)');
  const streams = new Streams();
  let written = 0;
  let n = 0;
  const deadline = performance.now() + seconds * 1000;
  const started = performance.now();
  await Promise.all(
    [0, 1].map(async () => {
      while (performance.now() < deadline) {
        const cols: unknown[][] = [[], [], [], [], [], [], [], []];
        for (let i = 0; i < 1000; i++) {
          const stream = streams.pick();
          const at = new Date().toISOString();
          const values = [stream, streams.nextPosition(stream), randomUUID(), JSON.stringify(purchaseData(n++)), `{"correlationId":"req-${n}"}`, at, at, randomUUID().replace(/-/g, '').repeat(2)];
          values.forEach((value, c) => cols[c]!.push(value));
        }
        await pool.query(
          `INSERT INTO journey.ceiling (stream_id, stream_position, event_id, type, version, data, metadata, source, occurred_at, recorded_at, hash)
           SELECT s, p, i, 'PurchaseCompleted', 1, d, m, 'shop', o, r, decode(h, 'hex')
           FROM unnest($1::text[], $2::bigint[], $3::uuid[], $4::jsonb[], $5::jsonb[], $6::timestamptz[], $7::timestamptz[], $8::text[])
             AS u(s, p, i, d, m, o, r, h)`,
          cols,
        );
        written += 1000;
      }
    }),
  );
  const elapsed = (performance.now() - started) / 1000;
  await pool.query('DROP TABLE journey.ceiling');
  await pool.end();
  return written / elapsed;
}

