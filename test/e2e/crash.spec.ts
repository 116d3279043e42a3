import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomInt } from 'node:crypto';
import { PostgresEventStore } from '@journey/event-store/postgres';
import { migrate, PgliteDatabase, type Database } from '@journey/database';
import { sampleEvent } from '../support/sample-events';
import { until } from '../support/until';
import { EngineProcess, PROCESS_ADMIN_KEY } from '../support/engine-process';
import { backends, createTestDatabase, type Backend, type TestDatabase } from '../support/test-database';

type Sent = { readonly event: Record<string, unknown>; readonly streamId: string };

/** Clients that keep posting single events and small batches, recording what got a 2xx. */
async function streamAppends(url: string, customers: string[], until: () => boolean, acked: Map<string, Sent>, attempted: Map<string, Sent>) {
  const client = async (): Promise<void> => {
    while (!until()) {
      const size = randomInt(3) === 0 ? 1 + randomInt(20) : 1;
      const batch = Array.from({ length: size }, () => {
        const customerId = customers[randomInt(customers.length)]!;
        const event = sampleEvent(randomInt(2) ? 'PageViewed' : 'PurchaseCompleted', { customerId, occurredAt: new Date().toISOString() });
        return { event, streamId: `customer-${customerId}` };
      });
      for (const sent of batch) attempted.set(sent.event.eventId as string, sent);
      try {
        const response = await fetch(`${url}/v1/events`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${PROCESS_ADMIN_KEY}` },
          body: JSON.stringify(size === 1 ? batch[0]!.event : { events: batch.map((s) => s.event) }),
        });
        await response.text();
        if (response.status === 202) for (const sent of batch) acked.set(sent.event.eventId as string, sent);
      } catch {
        // The engine died under this request: its outcome is unknown to the client.
      }
    }
  };
  await Promise.all(Array.from({ length: 8 }, client));
}

/** Every stream's events through the HTTP API, which serves both backends alike. */
type Stored = { eventId: string; streamPosition: number; source: string };

async function storedEvents(url: string, streamIds: Iterable<string>): Promise<Map<string, Stored[]>> {
  const byStream = new Map<string, Stored[]>();
  for (const streamId of streamIds) {
    const events: Stored[] = [];
    for (let from = 1; ; ) {
      const response = await fetch(`${url}/v1/streams/${streamId}/events?from=${from}&limit=1000`, { headers: { authorization: `Bearer ${PROCESS_ADMIN_KEY}` } });
      if (response.status === 404) break;
      const page = (await response.json()) as { events: Stored[]; next?: number };
      events.push(...page.events);
      if (!page.next) break;
      from = page.next;
    }
    byStream.set(streamId, events);
  }
  return byStream;
}

describe.each(backends())('engine killed with SIGKILL while clients append, on %s', (backend: Backend) => {
  let t: TestDatabase | undefined;
  let dataDir: string | undefined;
  let env: Record<string, string>;

  beforeAll(async () => {
    if (backend === 'postgres') {
      t = await createTestDatabase('postgres', 2);
      env = { DATABASE_URL: t.url! };
    } else {
      dataDir = mkdtempSync(join(tmpdir(), 'journey-crash-'));
      env = { JOURNEY_DATA_DIR: dataDir };
    }
  });
  afterAll(async () => {
    await t?.drop();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it('keeps every event acknowledged with a 2xx, exactly once, across two crashes', async () => {
    const customers = Array.from({ length: 40 }, (_, i) => `crash-${i}`);
    const acked = new Map<string, Sent>();
    const attempted = new Map<string, Sent>();
    const engine = new EngineProcess(env);

    for (let crash = 0; crash < 2; crash++) {
      await engine.start();
      let stop = false;
      const clients = streamAppends(engine.url, customers, () => stop, acked, attempted);
      // Killed once clients have been acknowledged a while, at a point no test run can predict.
      const target = acked.size + 60;
      await until(() => (acked.size >= target ? true : undefined), 120_000, `${target} acknowledged events`);
      await new Promise((resolve) => setTimeout(resolve, randomInt(500)));
      await engine.kill();
      stop = true;
      await clients;
    }
    expect(acked.size).toBeGreaterThan(100);

    await engine.start();
    const streams = new Set([...attempted.values()].map((s) => s.streamId));
    const before = await storedEvents(engine.url, streams);
    const seen = new Map<string, number>();
    for (const [, events] of before) {
      expect(events.map((e) => e.streamPosition)).toEqual(events.map((_, i) => i + 1));
      for (const e of events) seen.set(e.eventId, (seen.get(e.eventId) ?? 0) + 1);
    }
    for (const eventId of acked.keys()) expect([eventId, seen.get(eventId)]).toEqual([eventId, 1]);

    // Clients retry what they never heard back about: duplicates are recognised, nothing doubles.
    const unknown = [...attempted.values()].filter((s) => !acked.has(s.event.eventId as string));
    for (let i = 0; i < unknown.length; i += 500) {
      const response = await fetch(`${engine.url}/v1/events`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${PROCESS_ADMIN_KEY}` },
        body: JSON.stringify({ events: unknown.slice(i, i + 500).map((s) => s.event) }),
      });
      expect(response.status).toBe(202);
    }
    const after = await storedEvents(engine.url, streams);
    // The engine's projector adds derived events (source journey) of its own to the streams.
    const total = [...after.values()].reduce((sum, events) => sum + events.filter((e) => e.source !== 'journey').length, 0);
    expect(total).toBe(attempted.size);
    await engine.stop();
    expect(engine.log).toContain('every accepted append has settled');

    const db: Database = backend === 'postgres' ? t!.db : await PgliteDatabase.open(dataDir);
    await migrate(db);
    const store = new PostgresEventStore(db);
    for (const streamId of streams) expect(await store.verify(streamId)).toMatchObject({ ok: true });
    await store.close();
    if (backend === 'pglite') await db.close();
  });
});
