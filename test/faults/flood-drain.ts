/**
 * Measures the engine under a flood and then while it drains: RSS, the V8 heap and each
 * consumer's lag, sampled every two seconds, printed as lines of JSON. Not a test: run by hand,
 * `npm run build && node dist/test/faults/flood-drain.js [flood seconds]`, against a fresh
 * database on the PostgreSQL of DATABASE_URL (default the server on 127.0.0.1:5432).
 */
import { randomBytes, randomInt } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { postLoad } from '../bench/load-generator';
import { EngineProcess } from '../support/engine-process';
import { sampleEvent } from '../support/sample-events';
import { exampleRulesFor } from './support/example-rules';
import { ReceiverProcess } from './support/receiver-process';
import { healthLag, rssMiB } from './support/samples';

const FLOOD_TYPES = ['CustomerRegistered', 'ConsentChanged', 'PurchaseCompleted', 'PageViewed', 'ProductViewed', 'SearchPerformed'] as const;

async function metric(engine: EngineProcess, name: string): Promise<number | undefined> {
  try {
    const text = await (await fetch(`${engine.url}/metrics`, { headers: engine.headers(), signal: AbortSignal.timeout(60_000) })).text();
    const match = new RegExp(`^${name}(?:\\{[^}]*\\})? ([\\d.e+-]+)$`, 'm').exec(text);
    return match ? Number(match[1]) : undefined;
  } catch {
    return undefined;
  }
}

async function main(): Promise<void> {
  const floodSeconds = Number(process.argv[2] ?? 90);
  const server = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  const name = `journey_flood_${randomBytes(4).toString('hex')}`;
  const admin = new Client({ connectionString: server });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  const url = new URL(server);
  url.pathname = `/${name}`;
  const folder = mkdtempSync(join(tmpdir(), 'journey-flood-'));
  const receiver = new ReceiverProcess(join(folder, 'deliveries.jsonl'));
  const engine = new EngineProcess({
    DATABASE_URL: url.toString(),
    JOURNEY_RATE_LIMITS: 'off',
    JOURNEY_RULES_FILE: exampleRulesFor(folder, await receiver.start()),
    JOURNEY_WEBHOOK_SECRET: 'flood',
    ...(process.env.FLOOD_NODE_OPTIONS ? { NODE_OPTIONS: process.env.FLOOD_NODE_OPTIONS } : {}),
  });
  try {
    await engine.start();
    const started = performance.now();
    let phase = 'flood';
    const sample = async (): Promise<number> => {
      const lag = (await healthLag(engine.url)) ?? {};
      const line = {
        at: Math.round((performance.now() - started) / 1000),
        phase,
        rssMiB: Math.round(rssMiB(engine.pid!) ?? 0),
        heapUsedMiB: Math.round(((await metric(engine, 'journey_process_nodejs_heap_size_used_bytes')) ?? 0) / 2 ** 20),
        externalMiB: Math.round(((await metric(engine, 'journey_process_nodejs_external_memory_bytes')) ?? 0) / 2 ** 20),
        lag: Object.fromEntries(Object.entries(lag).map(([consumer, value]) => [consumer, value.events])),
      };
      process.stdout.write(`${JSON.stringify(line)}\n`);
      return Math.max(0, ...Object.values(lag).map((value) => value.events));
    };
    const sampler = setInterval(() => void sample(), 2000);
    const customers = 100_000;
    const result = await postLoad({
      url: engine.url,
      path: '/v1/events',
      connections: 16,
      seconds: floodSeconds,
      headers: { ...engine.headers(true) },
      body: () =>
        JSON.stringify({
          events: Array.from({ length: 100 }, () => sampleEvent(FLOOD_TYPES[randomInt(FLOOD_TYPES.length)], { customerId: `f-${randomInt(customers)}`, occurredAt: new Date().toISOString() })),
        }),
    });
    process.stdout.write(`${JSON.stringify({ flood: Object.fromEntries(result.statuses), seconds: result.seconds, events: result.ok * 100 })}\n`);
    phase = 'drain';
    clearInterval(sampler);
    // With FLOOD_NODE_OPTIONS=--heapsnapshot-signal=SIGUSR2, a heap snapshot at each phase's end.
    const snapshot = (): void => void (process.env.FLOOD_NODE_OPTIONS?.includes('heapsnapshot-signal') && process.kill(engine.pid!, 'SIGUSR2'));
    snapshot();
    for (;;) {
      await new Promise((resolve) => setTimeout(resolve, 2000));
      if ((await sample()) === 0) break;
    }
    phase = 'idle';
    for (let i = 0; i < 15; i++) {
      await new Promise((resolve) => setTimeout(resolve, 2000));
      await sample();
    }
    snapshot();
    await new Promise((resolve) => setTimeout(resolve, 20_000));
    process.stdout.write(`${JSON.stringify({ deliveries: receiver.deliveries().length })}\n`);
  } finally {
    await engine.stop();
    await receiver.stop();
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await admin.end();
    rmSync(folder, { recursive: true, force: true });
  }
}

void main().catch((error: unknown) => {
  process.stderr.write(`${String(error)}\n`);
  process.exitCode = 1;
});
