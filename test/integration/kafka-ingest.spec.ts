import { randomUUID } from 'node:crypto';
import { AppendRejectedError, StoreUnavailableError, type AppendRequest, type AppendResult, type EventStore } from '@journey/event-store';
import { PostgresEventStore } from '@journey/event-store/postgres';
import { PgDatabase, type Database, type Queryable } from '@journey/database';
import { ConsumeEventsHandler, DeadLetterStore, MAX_MESSAGE_BYTES, type DeadLetter, type DeadLetterSink, type IngestMessage } from '@journey/ingest';
import { SAMPLE_DATA, sampleEvent } from '../support/sample-events';
import { backends, createTestDatabase, describeWithServer, type TestDatabase } from '../support/test-database';
import { until } from '../support/until';

const NOW = new Date('2026-03-01T12:10:00.000Z');
const TOPIC = 'journey.events';

/** What the dead-letter topic would receive, kept in order (the logic is tested through its port). */
class SeenDeadLetters implements DeadLetterSink {
  readonly letters: DeadLetter[] = [];
  record(letters: readonly DeadLetter[]): Promise<void> {
    this.letters.push(...letters);
    return Promise.resolve();
  }
}

/** Messages of one partition with consecutive offsets. */
class Partition {
  private next = 0;
  constructor(readonly partition: number) {}
  message(value: unknown, key: string | null = 'c-1'): IngestMessage {
    const bytes = value === null ? null : Buffer.isBuffer(value) ? value : Buffer.from(typeof value === 'string' ? value : JSON.stringify(value));
    return { topic: TOPIC, partition: this.partition, offset: String(this.next++), key: key === null ? null : Buffer.from(key), value: bytes };
  }
}

describe.each(backends())('Kafka ingest of messages on %s', (backend) => {
  let t: TestDatabase;
  let store: PostgresEventStore;
  let table: DeadLetterStore;

  beforeAll(async () => {
    t = await createTestDatabase(backend);
    store = new PostgresEventStore(t.db);
    table = new DeadLetterStore(t.db, () => NOW);
  });
  afterAll(async () => {
    await store.close();
    await t.drop();
  });

  const handler = (topic: DeadLetterSink, target: EventStore = store) => new ConsumeEventsHandler(target, [topic, table], () => NOW);
  const streamOf = async (customerId: string) => (await store.readStream(`customer-${customerId}`)).map((e) => e.eventId);
  const records = async () => (await t.db.query<{ n: number }>('SELECT count(*)::int AS n FROM journey.dead_letters')).rows[0]!.n;

  it('appends each message as an event, per customer in offset order, and a redelivery as duplicates', async () => {
    const partition = new Partition(0);
    const [a, b] = [`c-${randomUUID()}`, `c-${randomUUID()}`];
    const events = [a, b, a, a, b].map((customerId) => sampleEvent('PurchaseCompleted', { customerId }));
    const messages = events.map((event) => partition.message(event, String(event.customerId)));
    const topic = new SeenDeadLetters();

    expect(await handler(topic).handle(messages)).toEqual({ appended: 5, duplicates: 0, deadLetters: [] });
    expect(await streamOf(a)).toEqual([events[0]!.eventId, events[2]!.eventId, events[3]!.eventId]);
    expect(await streamOf(b)).toEqual([events[1]!.eventId, events[4]!.eventId]);

    // The consumer crashed before committing its offsets: the same messages come again.
    expect(await handler(topic).handle(messages)).toEqual({ appended: 0, duplicates: 5, deadLetters: [] });
    expect(await streamOf(a)).toHaveLength(3);
    expect(topic.letters).toEqual([]);
  });

  it('dead-letters each message that holds no acceptable event, naming the field, and appends the others', async () => {
    const partition = new Partition(1);
    const customerId = `c-${randomUUID()}`;
    const good = () => sampleEvent('PurchaseCompleted', { customerId });
    const withData = (data: Record<string, unknown>) => ({ ...good(), data: { ...(good().data as object), ...data } });
    const oversized = { ...good(), metadata: { correlationId: 'r', note: 'x'.repeat(70_000) } };
    const named = (event: Record<string, unknown>) => ({ value: event, eventId: event.eventId as string });
    const proto = good();
    const cases: Array<{ value: unknown; field: string; reason: RegExp; eventId?: string; type?: string }> = [
      { value: null, field: 'value', reason: /empty/ },
      { value: Buffer.alloc(0), field: 'value', reason: /empty/ },
      { value: Buffer.from([0x7b, 0xff, 0xfe, 0x7d]), field: 'value', reason: /not UTF-8/ },
      { value: '{"eventId": "1", ', field: 'value', reason: /not JSON/ },
      { value: Buffer.alloc(MAX_MESSAGE_BYTES + 1, 0x20), field: 'value', reason: /at most 1048576 bytes/ },
      { value: [good()], field: 'value', reason: /JSON object/ },
      { value: { events: [good()] }, field: 'eventId', reason: /required|UUID/ },
      { ...named(withData({ total: 104.96 })), field: 'data.total', reason: /integer/, type: 'PurchaseCompleted' },
      { ...named(withData({ currency: 'EUX' })), field: 'data.currency', reason: /ISO 4217/, type: 'PurchaseCompleted' },
      { ...named({ ...good(), occurredAt: '2026-03-01T12:20:00.000Z' }), field: 'occurredAt', reason: /future/, type: 'PurchaseCompleted' },
      { ...named({ ...good(), type: 'PurchaseTeleported' }), field: 'type', reason: /not a known event type/, type: 'PurchaseTeleported' },
      { ...named({ ...good(), anonymousId: 'v-1' }), field: 'anonymousId', reason: /absent/, type: 'PurchaseCompleted' },
      { ...named(sampleEvent('CustomerForgotten', { customerId })), field: 'type', reason: /^CustomerForgotten cannot be published: .*\/forget/, type: 'CustomerForgotten' },
      { value: `{"__proto__": {"admin": true}, ${JSON.stringify(proto).slice(1)}`, eventId: proto.eventId, field: '__proto__', reason: /reserved/, type: 'PurchaseCompleted' },
      { ...named(oversized), field: 'value', reason: /at most 65536 bytes/, type: 'PurchaseCompleted' },
    ];
    const first = good();
    const last = good();
    const messages = [partition.message(first), ...cases.map((c) => partition.message(c.value)), partition.message(last)];
    const topic = new SeenDeadLetters();

    const report = await handler(topic).handle(messages);

    expect(report.appended).toBe(2);
    expect(await streamOf(customerId)).toEqual([first.eventId, last.eventId]);
    expect(report.deadLetters.map((letter) => letter.message.offset)).toEqual(cases.map((_, i) => String(i + 1)));
    cases.forEach((c, i) => {
      const letter = report.deadLetters[i]!;
      expect(letter.errors).toContainEqual({ field: c.field, reason: expect.stringMatching(c.reason) });
      expect(letter.eventId).toBe(c.eventId);
      expect(letter.eventType).toBe(c.type);
    });
    expect(topic.letters).toEqual(report.deadLetters);

    const listed = await table.list(0, 100);
    const mine = listed.filter((record) => record.partition === 1);
    expect(mine.map((record) => record.offset)).toEqual(cases.map((_, i) => String(i + 1)));
    expect(mine[0]).toMatchObject({ topic: TOPIC, key: 'c-1', valueBytes: 0, eventId: null, errors: [{ field: 'value', reason: expect.stringMatching(/empty/) }] });
    expect(mine[7]).toMatchObject({ eventId: cases[7]!.eventId, eventType: 'PurchaseCompleted' });
    // The record names the message; its payload (which may hold personal data) stays on the topic.
    expect(JSON.stringify(mine)).not.toContain('o-1001');

    // Redelivered: the events are duplicates and the table gains no second record.
    const before = await records();
    const again = await handler(new SeenDeadLetters()).handle(messages);
    expect(again).toMatchObject({ appended: 0, duplicates: 2 });
    expect(again.deadLetters).toHaveLength(cases.length);
    expect(await records()).toBe(before);
  });

  it('lists the dead letters page by page from the cursor of the last one listed, each once', async () => {
    const partition = new Partition(8);
    for (const run of [3, 2]) {
      await handler(new SeenDeadLetters()).handle(Array.from({ length: run }, () => partition.message('not json')));
    }
    // Other tests' transactions on the server may hold the horizon a moment.
    const mine = async () => (await table.list(0, 1000)).filter((record) => record.partition === 8);
    await until(async () => ((await mine()).length === 5 ? true : undefined), 10_000, 'every letter below the horizon');
    const offsets: string[] = [];
    for (let page = await table.list(0, 2); page.length > 0; page = await table.list(page[page.length - 1]!.id, 2)) {
      offsets.push(...page.filter((record) => record.partition === 8).map((record) => record.offset));
    }
    expect(offsets).toEqual(['0', '1', '2', '3', '4']);
  });

  it('dead-letters a reused event id with other content, and leaves the stored event as it was', async () => {
    const partition = new Partition(2);
    const customerId = `c-${randomUUID()}`;
    const original = sampleEvent('PurchaseCompleted', { customerId });
    await handler(new SeenDeadLetters()).handle([partition.message(original)]);
    const reused = { ...sampleEvent('PurchaseCompleted', { customerId, data: { ...(original.data as object), orderId: 'o-other' } }), eventId: original.eventId };
    const next = sampleEvent('PurchaseCompleted', { customerId });

    const report = await handler(new SeenDeadLetters()).handle([partition.message(reused), partition.message(next)]);

    expect(report.appended).toBe(1);
    expect(report.deadLetters).toHaveLength(1);
    expect(report.deadLetters[0]).toMatchObject({ eventId: original.eventId, errors: [{ field: 'eventId', reason: expect.stringMatching(/already used by another event/) }] });
    const stored = await store.readStream(`customer-${customerId}`);
    expect(stored.map((e) => e.eventId)).toEqual([original.eventId, next.eventId]);
    expect(stored[0]!.data).toEqual(original.data);
  });

  it('when the database refuses one event, appends the others one by one and dead-letters only that one', async () => {
    const partition = new Partition(3);
    const customerId = `c-${randomUUID()}`;
    const poison = sampleEvent('PurchaseCompleted', { customerId, data: { ...(sampleEvent().data as object), orderId: 'poison' } });
    // The store as it is, but PostgreSQL refuses any call holding the poison order (as it would bad data).
    const refusing: EventStore = Object.assign(Object.create(store) as EventStore, {
      appendMany(requests: readonly AppendRequest[]): Promise<AppendResult> {
        const poisoned = requests.some((r) => r.events.some((e) => (e.data as { orderId?: string }).orderId === 'poison'));
        return poisoned ? Promise.reject(new AppendRejectedError('invalid input syntax')) : store.appendMany(requests);
      },
    });
    const before = sampleEvent('PurchaseCompleted', { customerId });
    const after = sampleEvent('PurchaseCompleted', { customerId });

    const report = await handler(new SeenDeadLetters(), refusing).handle([before, poison, after].map((e) => partition.message(e)));

    expect(report.appended).toBe(2);
    expect(report.deadLetters).toEqual([
      expect.objectContaining({ eventId: poison.eventId, errors: [{ field: 'value', reason: 'was refused by the database: invalid input syntax' }] }),
    ]);
    expect(await streamOf(customerId)).toEqual([before.eventId, after.eventId]);
  });

  it('records a dead letter whose key or field is cut at 1,000 characters inside a surrogate pair', async () => {
    const partition = new Partition(5);
    const key = `${'k'.repeat(999)}\u{1F600}`;
    // `data.` and 994 characters: the emoji's pair at 999 and 1,000.
    const field = `${'f'.repeat(994)}\u{1F600}`;
    const unknownField = sampleEvent('PageViewed', { data: { ...SAMPLE_DATA.PageViewed, [field]: 1 } });

    const report = await handler(new SeenDeadLetters()).handle([partition.message('not json', key), partition.message(unknownField)]);

    expect(report.deadLetters).toHaveLength(2);
    const mine = (await table.list(0, 1000)).filter((record) => record.partition === 5);
    expect(mine).toMatchObject([
      { offset: '0', key: `${'k'.repeat(999)}\uFFFD` },
      { offset: '1', eventType: 'PageViewed', errors: [{ field: `data.${'f'.repeat(994)}\uFFFD`, reason: 'is not a known field' }] },
    ]);
  });

  it('records a stub naming the refusal when the database refuses a dead letter, so the run is not consumed again', async () => {
    const partition = new Partition(6);
    // The table as it is, but its first insert refused as PostgreSQL refuses bad data.
    let refusals = 1;
    const refusing: Queryable = {
      query: (sql, params) =>
        sql.includes('INSERT INTO journey.dead_letters') && refusals-- > 0
          ? Promise.reject(Object.assign(new Error('invalid input syntax for type json'), { code: '22P02' }))
          : t.db.query(sql, params),
      exec: (script) => t.db.exec(script),
    };
    const event = sampleEvent('PageViewed');

    const report = await new ConsumeEventsHandler(store, [new DeadLetterStore(refusing, () => NOW)], () => NOW).handle([partition.message('not json', 'c-7'), partition.message({ ...event, type: 'Nope' })]);

    expect(report.deadLetters).toHaveLength(2);
    const mine = (await table.list(0, 1000)).filter((record) => record.partition === 6);
    const stub = { key: null, eventId: null, eventType: null, errors: [{ field: 'value', reason: expect.stringMatching(/could not be recorded in full; the database refused it: invalid input syntax/) }] };
    expect(mine).toMatchObject([{ offset: '0', ...stub }, { offset: '1', ...stub }]);
  });

  it('throws a dead letter the database cannot take for want of a connection as unavailable, so the run is consumed again', async () => {
    const unreachable: Queryable = {
      query: () => Promise.reject(Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' })),
      exec: () => Promise.resolve(),
    };
    const letters = [{ message: new Partition(7).message('not json'), errors: [{ field: 'value', reason: 'is not JSON' }] }];
    await expect(new DeadLetterStore(unreachable, () => NOW).record(letters)).rejects.toBeInstanceOf(StoreUnavailableError);
  });

  it('throws while the database is unreachable and records no dead letter, so the run is consumed again', async () => {
    const unreachable = new PgDatabase({ url: 'postgres://journey@127.0.0.1:1/journey', poolSize: 2, applicationName: 'journey-test' });
    const down = new PostgresEventStore(unreachable);
    const partition = new Partition(4);
    const topic = new SeenDeadLetters();
    const before = await records();
    try {
      await expect(handler(topic, down).handle([partition.message(sampleEvent()), partition.message('not json')])).rejects.toBeInstanceOf(StoreUnavailableError);
    } finally {
      await down.close();
      await unreachable.close();
    }
    expect(topic.letters).toEqual([]);
    expect(await records()).toBe(before);
  });
});

describeWithServer('dead letters listed while other processes record them', () => {
  let t: TestDatabase;
  let other: Database;

  beforeAll(async () => {
    t = await createTestDatabase('postgres', 4);
    other = await t.open(2);
  });
  afterAll(async () => {
    await other.close();
    await t.drop();
  });

  const letter = (partition: number, offset: number): DeadLetter => ({
    message: { topic: TOPIC, partition, offset: String(offset), key: Buffer.from('c-1'), value: Buffer.from('not json') },
    errors: [{ field: 'value', reason: 'is not JSON' }],
  });

  /** A transaction that records a letter and stays open until `commit` is called. */
  const recordInOpenTransaction = async (partition: number, offset: number, before?: (tx: Queryable) => Promise<unknown>) => {
    let commit!: () => void;
    const held = new Promise<void>((resolve) => (commit = resolve));
    let recorded!: () => void;
    const written = new Promise<void>((resolve) => (recorded = resolve));
    const done = t.db.transaction(async (tx) => {
      await before?.(tx);
      await new DeadLetterStore(tx, () => NOW).record([letter(partition, offset)]);
      recorded();
      await held;
    });
    await written;
    return { commit: () => (commit(), done) };
  };

  it('lists every letter once to a reader that follows the cursor, whatever order their transactions commit in', async () => {
    const reader = new DeadLetterStore(t.db, () => NOW);
    const seen: string[] = [];
    let after = 0;
    const follow = async () => {
      for (let page = await reader.list(after, 100); page.length > 0; page = await reader.list(after, 100)) {
        seen.push(...page.map((record) => `${record.partition}/${record.offset}`));
        after = page[page.length - 1]!.id;
      }
    };
    const writer = new DeadLetterStore(other, () => NOW);

    // Two partitions consumed at once: the first letter takes its id, the next id commits first.
    const slow = await recordInOpenTransaction(0, 10);
    await writer.record([letter(1, 20)]);
    await follow();
    await slow.commit();
    await follow();

    // A transaction that began writing before another takes the lower id and commits last.
    const early = await other.transaction(async (tx) => {
      await tx.query('SELECT pg_current_xact_id()');
      const late = await recordInOpenTransaction(2, 30);
      await new DeadLetterStore(tx, () => NOW).record([letter(3, 40)]);
      return late;
    });
    await follow();
    await early.commit();
    // Other tests' transactions on the server may hold the horizon a moment longer.
    const deadline = Date.now() + 10_000;
    do await follow();
    while (seen.length < 4 && Date.now() < deadline);

    expect(seen.sort()).toEqual(['0/10', '1/20', '2/30', '3/40']);
  });
});

