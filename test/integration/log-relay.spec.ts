import { randomBytes, randomUUID } from 'node:crypto';
import { type NewEvent } from '@journey/event-store';
import { PostgresEventStore } from '@journey/event-store/postgres';
import { LogRelay, type LogPublisher, type RelayMessage } from '@journey/kafka';
import { PiiVault } from '@journey/privacy';
import { backends, createTestDatabase, describeWithServer, type TestDatabase } from '../support/test-database';
import { until } from '../support/until';

/** What the topic would receive (the relay is tested through its publisher port). */
class Topic implements LogPublisher {
  readonly messages: RelayMessage[] = [];
  failures = 0;
  publish(messages: readonly RelayMessage[]): Promise<void> {
    if (this.failures > 0) {
      this.failures--;
      return Promise.reject(new Error('broker unavailable'));
    }
    this.messages.push(...messages);
    return Promise.resolve();
  }
  close(): Promise<void> {
    return Promise.resolve();
  }
  get ids(): string[] {
    return this.messages.map((m) => m.eventId);
  }
}

function event(type: string, data: Record<string, unknown>): NewEvent {
  return { eventId: randomUUID(), type, version: 1, occurredAt: '2026-03-01T12:00:00.000Z', source: 'crm', data, metadata: { correlationId: 'r-1' } };
}

const profile = () => event('CustomerProfileUpdated', { name: 'Ada Lovelace', email: 'ada@example.com', country: 'GB' });
const view = () => event('PageViewed', { url: '/shoes' });

describe.each(backends())('the log relay on %s', (backend) => {
  let t: TestDatabase;
  let store: PostgresEventStore;

  beforeAll(async () => {
    t = await createTestDatabase(backend);
    store = new PostgresEventStore(t.db, { vault: await PiiVault.open(t.db, randomBytes(32)) });
  });
  afterAll(async () => {
    await store.close();
    await t.drop();
  });

  const relayed = (name: string) => until(async () => ((await store.checkpointsReached([name], await store.lastCommitted())) ? true : undefined), 120_000, `relay ${name}`);

  it('publishes every event once, in order per customer, keyed by customer, without personal data', async () => {
    const name = `relay:${randomUUID()}`;
    const [a, b] = [randomUUID(), randomUUID()];
    const topic = new Topic();
    const relay = new LogRelay(store, t.db, topic, { name, batchSize: 7, pollMs: 50 });
    relay.start();
    try {
      const written: Array<{ stream: string; events: NewEvent[] }> = [];
      for (let i = 0; i < 10; i++) {
        const stream = i % 2 ? `customer-${a}` : `visitor-${b}`;
        const events = [i === 0 ? profile() : view(), view()];
        await store.append(stream, events);
        written.push({ stream, events });
      }
      await relayed(name);
    } finally {
      await relay.stop();
    }
    const mine = topic.messages.filter((m) => m.key === a || m.key === b);
    expect(mine).toHaveLength(20);
    expect(new Set(mine.map((m) => m.eventId)).size).toBe(20);
    const positions = (key: string) => mine.filter((m) => m.key === key).map((m) => (JSON.parse(m.value) as { streamPosition: number }).streamPosition);
    expect(positions(a)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(positions(b)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    const first = JSON.parse(mine.find((m) => m.type === 'CustomerProfileUpdated')!.value) as Record<string, unknown>;
    expect(first).toMatchObject({ anonymousId: b, type: 'CustomerProfileUpdated', data: { country: 'GB' }, metadata: { correlationId: 'r-1' } });
    expect(JSON.stringify(mine)).not.toMatch(/Ada|ada@example|pii:v1/);
  });

  it('relays only the types asked for, and after a failed publish sends the batch again, skipping nothing', async () => {
    const name = `relay:${randomUUID()}`;
    const customer = randomUUID();
    const topic = new Topic();
    topic.failures = 2;
    const errors: unknown[] = [];
    const relay = new LogRelay(store, t.db, topic, { name, types: new Set(['PageViewed']), pollMs: 50, onError: (e) => errors.push(e) });
    const events = [profile(), view(), view(), profile(), view()];
    await store.append(`customer-${customer}`, events);
    relay.start();
    try {
      await relayed(name);
    } finally {
      await relay.stop();
    }
    expect(errors).toHaveLength(2);
    const mine = topic.messages.filter((m) => m.key === customer);
    expect(mine.map((m) => m.eventId)).toEqual([events[1]!, events[2]!, events[4]!].map((e) => e.eventId));
  });
});

describeWithServer('the log relay in several processes on postgres', () => {
  let t: TestDatabase;

  beforeAll(async () => {
    t = await createTestDatabase('postgres', 4);
  });
  afterAll(async () => {
    await t.drop();
  });

  it('relays from one process at a time, and another takes over from the checkpoint when it stops', async () => {
    const name = `relay:${randomUUID()}`;
    const [db1, db2] = [await t.open(4), await t.open(4)];
    const [store1, store2] = [new PostgresEventStore(db1), new PostgresEventStore(db2)];
    const [topic1, topic2] = [new Topic(), new Topic()];
    const first = new LogRelay(store1, db1, topic1, { name, pollMs: 50, leaseMs: 1000 });
    const second = new LogRelay(store2, db2, topic2, { name, pollMs: 50, leaseMs: 1000 });
    first.start();
    await until(async () => ((await db1.query('SELECT 1 FROM journey.checkpoints WHERE name = $1 AND owner IS NOT NULL', [name])).rowCount ? true : undefined), 120_000, 'the first lease');
    second.start();
    const written: string[] = [];
    const write = async (n: number) => {
      for (let i = 0; i < n; i++) {
        const events = [view(), view()];
        await store1.append(`customer-${randomUUID()}`, events);
        written.push(...events.map((e) => e.eventId));
      }
    };
    try {
      await write(20);
      await until(async () => ((await store1.checkpointsReached([name], await store1.lastCommitted())) ? true : undefined), 120_000, 'the first relay');
      expect(topic2.messages).toEqual([]);

      await first.stop();
      await write(20);
      await until(async () => ((await store2.checkpointsReached([name], await store2.lastCommitted())) ? true : undefined), 120_000, 'the second relay');
    } finally {
      await first.stop();
      await second.stop();
      await store1.close();
      await store2.close();
    }
    expect(topic1.ids).toEqual(written.slice(0, 40));
    expect(topic2.ids).toEqual(written.slice(40));
  });
});
