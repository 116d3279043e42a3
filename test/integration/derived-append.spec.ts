import { randomUUID } from 'node:crypto';
import { type NewEvent } from '@journey/event-store';
import { PostgresEventStore } from '@journey/event-store/postgres';
import { derivedEventId } from '@journey/domain';
import { backends, createTestDatabase, type TestDatabase } from '../support/test-database';

function stageChanged(customerId: string, to: string): NewEvent {
  return {
    eventId: derivedEventId(customerId, 'LifecycleStageChanged', 'prospect', to),
    type: 'LifecycleStageChanged',
    version: 1,
    occurredAt: '2026-03-01T12:00:00.000Z',
    source: 'journey',
    data: { from: 'prospect', to, reason: 'test' },
    metadata: {},
  };
}

function pageView(): NewEvent {
  return { eventId: randomUUID(), type: 'PageViewed', version: 1, occurredAt: '2026-03-01T12:00:00.000Z', source: 'web', data: { url: '/' }, metadata: {} };
}

class RolledBack extends Error {}

describe.each(backends())('derived events appended for work in a transaction, on %s', (backend) => {
  let t: TestDatabase;
  let store: PostgresEventStore;

  beforeAll(async () => {
    t = await createTestDatabase(backend);
    store = new PostgresEventStore(t.db);
  });
  afterAll(async () => {
    await store.close();
    await t.drop();
  });

  it('recorded for after the commit: appended exactly when the unit commits, in order, never when it rolls back', async () => {
    const stream = `customer-${randomUUID()}`;
    await store.append(stream, [pageView()]);
    const first = stageChanged(stream, 'first_time');
    const second = stageChanged(stream, 'repeat');

    await expect(
      store.unitOfWork(async (unit) => {
        await unit.appendAfterCommit([{ streamId: stream, events: [first] }]);
        throw new RolledBack();
      }),
    ).rejects.toBeInstanceOf(RolledBack);
    expect((await store.readStream(stream)).map((e) => e.type)).toEqual(['PageViewed']);

    await store.unitOfWork(async (unit) => {
      await unit.appendAfterCommit([{ streamId: stream, events: [first] }, { streamId: stream, events: [second] }]);
      if (backend === 'postgres') {
        // Recorded, not appended: the unit holds no lock of the stream, so ingest to it goes on.
        expect((await store.append(stream, [pageView()])).outcomes[0]).toMatchObject({ status: 'appended', streamPosition: 2 });
      }
    });
    const types = (await store.readStream(stream)).map((e) => e.eventId);
    expect(types.filter((id) => id === first.eventId || id === second.eventId)).toEqual([first.eventId, second.eventId]);
    expect(await store.verify(stream)).toMatchObject({ ok: true });
  });

  if (backend === 'postgres') {
    it("recorded by a unit, are appended after its commit even when another unit's flush ran while it was open", async () => {
      const stream = `customer-${randomUUID()}`;
      const other = `customer-${randomUUID()}`;
      await store.appendMany([stream, other].map((streamId) => ({ streamId, events: [pageView()] })));
      const mine = stageChanged(stream, 'first_time');
      let recorded!: () => void;
      const hasRecorded = new Promise<void>((resolve) => (recorded = resolve));
      let release!: () => void;
      const mayCommit = new Promise<void>((resolve) => (release = resolve));
      const open = store.unitOfWork(async (unit) => {
        await unit.appendAfterCommit([{ streamId: stream, events: [mine] }]);
        recorded();
        await mayCommit;
      });
      await hasRecorded;
      // Another unit records, commits and flushes while the first is open: its flush cannot see the first's row.
      await store.unitOfWork((unit) => unit.appendAfterCommit([{ streamId: other, events: [stageChanged(other, 'first_time')] }]));
      release();
      await open;
      expect((await store.readStream(stream)).map((e) => e.eventId)).toContain(mine.eventId);
      const { rows } = await t.db.query<{ n: number }>('SELECT count(*)::int AS n FROM journey.derived_outbox WHERE stream_id = ANY($1::text[])', [[stream, other]]);
      expect(rows[0]!.n).toBe(0);
    });
  }

  if (backend === 'postgres') {
    it("of one stream, keep their recorded order when another process's flush holds an earlier row: the later one waits for the next flush", async () => {
      const stream = `customer-${randomUUID()}`;
      await store.append(stream, [pageView()]);
      const first = stageChanged(stream, 'first_time');
      const second = stageChanged(stream, 'repeat');
      await t.db.query('INSERT INTO journey.derived_outbox (stream_id, events) VALUES ($1, $2::jsonb), ($1, $3::jsonb)', [stream, JSON.stringify([first]), JSON.stringify([second])]);
      const { rows } = await t.db.query<{ id: string }>('SELECT id FROM journey.derived_outbox WHERE stream_id = $1 ORDER BY id', [stream]);
      // Another process's flush holds the first row, between its SELECT … FOR UPDATE and its DELETE.
      const other = await t.open(1);
      let locked!: () => void;
      const isLocked = new Promise<void>((resolve) => (locked = resolve));
      let release!: () => void;
      const mayFinish = new Promise<void>((resolve) => (release = resolve));
      const holder = other.transaction(async (tx) => {
        await tx.query('SELECT id FROM journey.derived_outbox WHERE id = $1 FOR UPDATE', [rows[0]!.id]);
        locked();
        await mayFinish;
        await store.append(stream, [first]);
        await tx.query('DELETE FROM journey.derived_outbox WHERE id = $1', [rows[0]!.id]);
      });
      await isLocked;
      // This process's flush holds the later row back while the earlier one is held, and leaves it to the next flush.
      await store.flushDerived();
      expect((await store.readStream(stream)).map((e) => e.eventId)).not.toContain(second.eventId);
      release();
      await holder;
      await other.close();
      await store.flushDerived();
      const order = (await store.readStream(stream)).map((e) => e.eventId).filter((id) => id === first.eventId || id === second.eventId);
      expect(order).toEqual([first.eventId, second.eventId]);
    });

    it('of one stream, keep their recorded order when another flush holds a row between two this flush takes', async () => {
      const stream = `customer-${randomUUID()}`;
      await store.append(stream, [pageView()]);
      const events = [stageChanged(stream, 'first_time'), stageChanged(stream, 'repeat'), stageChanged(stream, 'loyal')];
      await t.db.query('INSERT INTO journey.derived_outbox (stream_id, events) VALUES ($1, $2::jsonb), ($1, $3::jsonb), ($1, $4::jsonb)', [
        stream,
        ...events.map((event) => JSON.stringify([event])),
      ]);
      const { rows } = await t.db.query<{ id: string }>('SELECT id FROM journey.derived_outbox WHERE stream_id = $1 ORDER BY id', [stream]);
      // Another flush holds the middle row for a moment (it waits behind an earlier row of its own), then lets it go.
      const other = await t.open(1);
      let locked!: () => void;
      const isLocked = new Promise<void>((resolve) => (locked = resolve));
      const holder = other.transaction(async (tx) => {
        await tx.query('SELECT id FROM journey.derived_outbox WHERE id = $1 FOR UPDATE', [rows[1]!.id]);
        locked();
        await new Promise((resolve) => setTimeout(resolve, 200));
      });
      await isLocked;
      await store.flushDerived();
      await holder;
      await other.close();
      await store.flushDerived(true);
      const order = (await store.readStream(stream)).map((e) => e.eventId).filter((id) => events.some((event) => event.eventId === id));
      expect(order).toEqual(events.map((event) => event.eventId));
    });

    it('whose data the database refuses, is kept with the refusal and holds back no other row', async () => {
      const [good, bad] = [`customer-${randomUUID()}`, `customer-${randomUUID()}`];
      await store.appendMany([good, bad].map((streamId) => ({ streamId, events: [pageView()] })));
      const derived = stageChanged(good, 'first_time');
      // A version of 2^31 overflows its integer column; the unit commits, its events are refused at the append.
      await store.unitOfWork(async (unit) => {
        await unit.appendAfterCommit([{ streamId: bad, events: [{ ...pageView(), version: 2 ** 31 }] }]);
        await unit.appendAfterCommit([{ streamId: good, events: [derived] }]);
      });
      expect((await store.readStream(good)).map((e) => e.eventId)).toContain(derived.eventId);
      const { rows } = await t.db.query<{ refused: Array<{ reason: string }> }>('SELECT refused FROM journey.derived_outbox WHERE stream_id = ANY($1::text[])', [[good, bad]]);
      expect(rows).toEqual([{ refused: [expect.objectContaining({ reason: expect.stringContaining('out of range') })] }]);
    });

    it('refused, is marked on its own row only, and holds back no checkpoint', async () => {
      const stream = `customer-${randomUUID()}`;
      await store.append(stream, [pageView()]);
      const stored = stageChanged(stream, 'first_time');
      const again = { ...stored, data: { from: 'prospect', to: 'repeat', reason: 'test' } };
      // Two rows with one id in one page: the first is appended, the second refused.
      await t.db.query('INSERT INTO journey.derived_outbox (stream_id, events) VALUES ($1, $2::jsonb), ($1, $3::jsonb)', [stream, JSON.stringify([stored]), JSON.stringify([again])]);
      await store.flushDerived(true);
      expect((await store.readStream(stream)).find((e) => e.eventId === stored.eventId)?.data).toEqual(stored.data);
      const { rows } = await t.db.query<{ events: Array<{ data: unknown }> }>('SELECT events FROM journey.derived_outbox WHERE stream_id = $1 AND refused IS NOT NULL', [stream]);
      expect(rows.map((row) => row.events[0]!.data)).toEqual([again.data]);
      // Kept for an operator, it is no work left for the subscriptions.
      const name = `derived-${randomUUID()}`;
      const last = await store.lastCommitted();
      await t.db.query('INSERT INTO journey.checkpoints (name, tx_id, position) VALUES ($1, $2::text::xid8, $3)', [name, String(last.commit), last.position]);
      expect(await store.checkpointsReached([name], last)).toBe(true);
    });

    it('left recorded by a crash between the commit and the append, are appended by the next flush, once', async () => {
      const stream = `customer-${randomUUID()}`;
      const derived = stageChanged(stream, 'first_time');
      // What a process that died right after its commit leaves: the row, twice appended at worst.
      await t.db.query('INSERT INTO journey.derived_outbox (stream_id, events) VALUES ($1, $2::jsonb)', [stream, JSON.stringify([derived])]);
      await t.db.query('INSERT INTO journey.derived_outbox (stream_id, events) VALUES ($1, $2::jsonb)', [stream, JSON.stringify([derived])]);
      expect(await store.flushDerived()).toBeGreaterThanOrEqual(2);
      expect((await store.readStream(stream)).map((e) => e.eventId)).toEqual([derived.eventId]);
      const { rows } = await t.db.query<{ n: number }>('SELECT count(*)::int AS n FROM journey.derived_outbox WHERE stream_id = $1', [stream]);
      expect(rows[0]!.n).toBe(0);
    });

    it('one refused (its id stored with other content) is kept with the refusal, and the events recorded after it are appended', async () => {
      const stream = `customer-${randomUUID()}`;
      const stored = stageChanged(stream, 'first_time');
      await store.append(stream, [stored]);
      const decidedAgain = { ...stored, occurredAt: '2026-03-01T13:00:00.000Z' };
      await store.unitOfWork((unit) => unit.appendAfterCommit([{ streamId: stream, events: [decidedAgain] }]));
      const later = stageChanged(stream, 'repeat');
      await store.unitOfWork((unit) => unit.appendAfterCommit([{ streamId: stream, events: [later] }]));
      await store.flushDerived(true);
      expect((await store.readStream(stream)).map((e) => [e.eventId, e.occurredAt])).toEqual([
        [stored.eventId, stored.occurredAt],
        [later.eventId, later.occurredAt],
      ]);
      const { rows } = await t.db.query<{ refused: Array<{ eventId: string; reason: string }> | null }>('SELECT refused FROM journey.derived_outbox WHERE stream_id = $1', [stream]);
      expect(rows).toEqual([{ refused: [{ eventId: stored.eventId, reason: expect.any(String) }] }]);
      expect(await store.flushDerived(true)).toBe(0);
    });
  }
});
