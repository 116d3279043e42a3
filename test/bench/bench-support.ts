import { execSync } from 'node:child_process';
import { cpus, totalmem, type } from 'node:os';
import { Client } from 'pg';

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
  const { rows } = await client.query<{ version: string }>('SHOW server_version');
  await client.end();
  return {
    cpu: cpus()[0]?.model ?? 'unknown',
    cores: cpus().length,
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    os: type(),
    node: process.version,
    postgres: rows[0]!.version,
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
