import { randomUUID } from 'node:crypto';
import { isTransactionConflict } from '@journey/database';
import { START_CURSOR, type NewEvent } from '@journey/event-store';
import { PostgresEventStore } from '@journey/event-store/postgres';
import { createTestDatabase, describeWithServer, type TestDatabase } from '../support/test-database';

function event(type: string): NewEvent {
  return { eventId: randomUUID(), type, version: 1, occurredAt: '2026-03-01T12:00:00.000Z', source: 'test', data: {}, metadata: {} };
}

describeWithServer('an append over many streams that another process keeps writing', () => {
  let t: TestDatabase;

  beforeAll(async () => {
    t = await createTestDatabase('postgres', 8);
  });
  afterAll(async () => {
    await t.drop();
  });

  it('settles (its streams locked once optimism keeps failing), each stream chained in order', async () => {
    // Two stores are two processes: each knows only the heads it wrote.
    const pass = new PostgresEventStore(t.db);
    const ingest = new PostgresEventStore(t.db);
    const streams = Array.from({ length: 300 }, (_, i) => `customer-contended-${i}`);
    await ingest.appendMany(streams.map((streamId) => ({ streamId, events: [event('CustomerRegistered')] })));
    await pass.appendMany(streams.map((streamId) => ({ streamId, events: [event('PageViewed')] })));

    // Ingest writes the same streams without pause while the pass appends to all of them at once, again and again.
    let writing = true;
    const writers = Array.from({ length: 4 }, async () => {
      while (writing) {
        const some = Array.from({ length: 20 }, () => streams[Math.floor(Math.random() * streams.length)]!);
        // A transaction of a loaded server: it holds the rows of the streams it wrote for a while before it commits.
        await ingest
          .unitOfWork(async (unit) => {
            await unit.append([...new Set(some)].map((streamId) => ({ streamId, events: [event('ProductViewed')] })));
            await new Promise((resolve) => setTimeout(resolve, 20));
          })
          // A unit whose id is older than the last writer of a stream it waited for runs again: here, the next round.
          .catch((error: unknown) => {
            if (!isTransactionConflict(error)) throw error;
          });
      }
    });
    try {
      for (let round = 0; round < 10; round++) {
        const result = await pass.appendMany(streams.map((streamId) => ({ streamId, events: [event('LifecycleStageChanged')] })));
        expect(result.outcomes.every((outcome) => outcome.status === 'appended')).toBe(true);
      }
    } finally {
      writing = false;
      await Promise.all(writers);
    }
    for (const streamId of streams.slice(0, 30)) {
      const verified = await pass.verify(streamId);
      expect(verified).toMatchObject({ ok: true });
      expect((await pass.readStream(streamId)).filter((e) => e.type === 'LifecycleStageChanged')).toHaveLength(10);
    }
    await pass.close();
    await ingest.close();
  }, 300_000);

  it('plans from the heads its reads of the log saw: a stream the other process wrote since is not refused', async () => {
    const attempts: number[] = [];
    const pass = new PostgresEventStore(t.db, { observer: { batchWritten: (report) => attempts.push(report.attempts), callSettled: () => undefined } });
    const ingest = new PostgresEventStore(t.db);
    const streamId = `customer-read-heads-${randomUUID()}`;
    await pass.append(streamId, [event('CustomerRegistered')]);
    await ingest.append(streamId, [event('ProductViewed')]);
    // Unread, the pass's head of the stream is one behind: the append is refused once, then planned again.
    await pass.append(streamId, [event('LifecycleStageChanged')]);
    expect(attempts.pop()).toBe(2);
    await ingest.append(streamId, [event('ProductViewed')]);
    // Read, as the pass reads the log before it appends what it derived: planned right the first time.
    for (let cursor = START_CURSOR, page = await pass.readAll(cursor, 10_000); page.events.length > 0; page = await pass.readAll(cursor, 10_000)) cursor = page.next;
    await pass.append(streamId, [event('LifecycleStageChanged')]);
    expect(attempts.pop()).toBe(1);
    expect(await pass.verify(streamId)).toMatchObject({ ok: true });
    await pass.close();
    await ingest.close();
  });
});
