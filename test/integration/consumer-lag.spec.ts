import { randomUUID } from 'node:crypto';
import { CONSUMER_LAG_SQL, consumerLag, consumerLags, type NewEvent } from '@journey/event-store';
import { PostgresEventStore } from '@journey/event-store/postgres';
import { backends, createTestDatabase, describeWithServer, type TestDatabase } from '../support/test-database';

function pageView(n: number): NewEvent {
  return { eventId: randomUUID(), type: 'PageViewed', version: 1, occurredAt: '2026-03-01T12:00:00.000Z', source: 'web', data: { url: `/p/${n}` }, metadata: {} };
}

/** Puts a checkpoint after the nth event of the global order (0: before the first). */
async function checkpointAfter(t: TestDatabase, name: string, nth: number): Promise<void> {
  await t.db.query(
    `INSERT INTO journey.checkpoints (name, tx_id, position)
     SELECT $1, coalesce(max(tx_id), '0'::xid8), coalesce(max(global_position), 0)
     FROM (SELECT tx_id, global_position FROM journey.events ORDER BY tx_id, global_position LIMIT $2) head`,
    [name, nth],
  );
}

describe.each(backends())('consumer lag on %s', (backend) => {
  let t: TestDatabase;
  let store: PostgresEventStore;

  beforeAll(async () => {
    t = await createTestDatabase(backend);
    // Recorded a minute ago, so the age of the oldest pending event is known from below.
    store = new PostgresEventStore(t.db, { clock: () => new Date(Date.now() - 60_000) });
    for (let stream = 0; stream < 3; stream++) {
      await store.append(`customer-lag-${stream}`, Array.from({ length: 10 }, (_, i) => pageView(stream * 10 + i)), 'any');
    }
    await checkpointAfter(t, 'projection:start', 0);
    await checkpointAfter(t, 'saga:middle', 12);
    await checkpointAfter(t, 'relay:head', 30);
  });
  afterAll(async () => {
    await store.close();
    await t.drop();
  });

  it('counts every consumer of journey.checkpoints, in events and seconds, by name', async () => {
    const lags = await consumerLags(t.db);
    expect(lags.map((lag) => [lag.name, lag.events])).toEqual([
      ['projection:start', 30],
      ['relay:head', 0],
      ['saga:middle', 18],
    ]);
    const [start, head, middle] = lags;
    expect(start!.seconds).toBeGreaterThanOrEqual(59);
    expect(middle!.seconds).toBeGreaterThanOrEqual(59);
    expect(head!.seconds).toBe(0);
  });

  it('counts a consumer that never ran from the start of the log', async () => {
    expect(await consumerLag(t.db, 'never:ran')).toMatchObject({ name: 'never:ran', events: 30 });
  });

  it('past the exact limit, estimates by the distance in global positions, never below the limit', async () => {
    const lags = await consumerLags(t.db, ['projection:start', 'saga:middle', 'relay:head'], 5);
    const events = Object.fromEntries(lags.map((lag) => [lag.name, lag.events]));
    expect(events['projection:start']).toBeGreaterThanOrEqual(30);
    expect(events['saga:middle']).toBeGreaterThanOrEqual(18);
    expect(events['relay:head']).toBe(0);
  });
});

describeWithServer('consumer lag on a large log', () => {
  let t: TestDatabase;

  beforeAll(async () => {
    t = await createTestDatabase('postgres');
    await t.db.exec(`
      INSERT INTO journey.events (stream_id, stream_position, event_id, type, version, data, metadata, source, occurred_at, recorded_at, hash)
      SELECT 'customer-big-' || (n % 1000), n / 1000 + 1, gen_random_uuid(), 'PageViewed', 1, '{}', '{}', 'web', now(), now(), '\\x00'
      FROM generate_series(0, 199999) n;
      INSERT INTO journey.checkpoints (name) VALUES ('projection:behind');
      ANALYZE journey.events;`);
  });
  afterAll(async () => {
    await t.drop();
  });

  it('reads the lag through the index, never scanning the log', async () => {
    const { rows } = await t.db.query<{ 'QUERY PLAN': string }>(`EXPLAIN ${CONSUMER_LAG_SQL.replace('$1', '10000').replace(/\$2::text\[\]/g, 'NULL::text[]')}`);
    const plan = rows.map((row) => row['QUERY PLAN']).join('\n');
    expect(plan).toContain('events_tx_position_idx');
    expect(plan).not.toMatch(/Seq Scan on events/);
    const [lag] = await consumerLags(t.db);
    expect(lag).toMatchObject({ name: 'projection:behind', events: 200_000 });
  });
});
