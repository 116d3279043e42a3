import { dataset } from '@journey/datagen';
import { PostgresEventStore } from '@journey/event-store/postgres';
import { SegmentStore } from '@journey/projections';
import { drainPass, killRepeatedly, writeHistories } from '../support/crash-loop';
import { EngineProcess } from '../support/engine-process';
import { createTestDatabase, describeWithServer, type TestDatabase } from '../support/test-database';

describeWithServer('segment entries and exits across SIGKILLs of the pipeline', () => {
  let t: TestDatabase;

  beforeAll(async () => {
    t = await createTestDatabase('postgres', 4);
  });
  afterAll(async () => {
    await t.drop();
  });

  it('records each change of membership exactly once, numbered without gaps, counted once per day', async () => {
    await SegmentStore.save(t.db, { id: 'repeat-buyers', name: 'Two orders or more', conditions: { field: 'orders', op: 'gte', value: 2 } }, { create: true });
    await SegmentStore.save(
      t.db,
      { id: 'browsing-not-buying', name: 'Views in 30 days, no purchase in 30 days', conditions: { all: [{ event: 'ProductViewed', atLeast: 1, within: '30d' }, { event: 'PurchaseCompleted', atMost: 0, within: '30d' }] } },
      { create: true },
    );
    const store = new PostgresEventStore(t.db);
    const until = new Date('2026-06-01T00:00:00Z');
    const population = dataset({ seed: 29, customers: 1500, until }, until).customers();
    const writer = writeHistories(store, population);

    const projector = new EngineProcess(
      { DATABASE_URL: t.url!, JOURNEY_RFM_INTERVAL_SECONDS: '0', JOURNEY_CLOCK_INTERVAL_SECONDS: '0', JOURNEY_PROJECTOR_BATCH: '200' },
      'projector',
    );
    await killRepeatedly(t.db, projector, 8, writer.done);
    await writer.stop();
    await drainPass(t.db, projector);

    const { rows: events } = await t.db.query<{ stream_id: string; type: string; segment_id: string; change: number; day: string }>(
      `SELECT stream_id, type, data->>'segmentId' AS segment_id, (data->>'change')::int AS change, to_char(occurred_at AT TIME ZONE 'UTC', 'YYYY-MM-DD') AS day
       FROM journey.events WHERE type IN ('SegmentEntered', 'SegmentExited') ORDER BY global_position`,
    );
    expect(events.length).toBeGreaterThan(100);
    const seen = new Map<string, number>();
    for (const event of events) {
      const key = `${event.stream_id}|${event.segment_id}`;
      const previous = seen.get(key) ?? 0;
      // Changes follow each other: 1 entered, 2 exited, 3 entered, … with none doubled or lost.
      expect({ key, change: event.change, type: event.type }).toEqual({ key, change: previous + 1, type: event.change % 2 === 1 ? 'SegmentEntered' : 'SegmentExited' });
      seen.set(key, event.change);
    }
    // The 360's memberships are the last change of each, and the daily counts add up to the events.
    const { rows: members } = await t.db.query<{ customer_id: string; id: string }>(`SELECT customer_id, unnest(member_of) AS id FROM journey.customer_360`);
    const expected = [...seen].filter(([, change]) => change % 2 === 1).map(([key]) => key).sort();
    expect(members.map((m) => `customer-${m.customer_id}|${m.id}`).sort()).toEqual(expected);
    const { rows: daily } = await t.db.query<{ entered: string; exited: string }>(`SELECT sum(entered) AS entered, sum(exited) AS exited FROM journey.segment_daily`);
    expect(Number(daily[0]!.entered)).toBe(events.filter((e) => e.type === 'SegmentEntered').length);
    expect(Number(daily[0]!.exited)).toBe(events.filter((e) => e.type === 'SegmentExited').length);
    await store.close();
  }, 1_200_000);
});
