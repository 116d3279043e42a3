import { randomBytes, randomUUID } from 'node:crypto';
import { START_CURSOR, type NewEvent } from '@journey/event-store';
import { PostgresEventStore, sealStoredPii } from '@journey/event-store/postgres';
import { FORGOTTEN, MasterKeyError, PiiVault, UNREADABLE } from '@journey/privacy';
import { loadMigrations, migrate, PgliteDatabase, type Database, type Queryable } from '@journey/database';
import { derivedEvent } from '@journey/domain';
import { DEFAULT_PROJECTION_OPTIONS } from '@journey/platform';
import { Projector } from '@journey/projections';
import { ForgetCustomerCommand } from '../../services/query/src/privacy/forget-customer/forget-customer.command';
import { ForgetCustomerHandler } from '../../services/query/src/privacy/forget-customer/forget-customer.handler';
import { backends, createTestDatabase, type TestDatabase } from '../support/test-database';
import { until } from '../support/until';

const MASTER = randomBytes(32);

function profile(data: Record<string, unknown>, eventId = randomUUID()): NewEvent {
  return { eventId, type: 'CustomerProfileUpdated', version: 1, occurredAt: '2026-03-01T12:00:00.000Z', source: 'crm', data, metadata: {} };
}

function purchase(): NewEvent {
  return {
    eventId: randomUUID(),
    type: 'PurchaseRefunded',
    version: 1,
    occurredAt: '2026-03-02T12:00:00.000Z',
    source: 'shop',
    data: { orderId: 'o-1', amount: 1200, currency: 'EUR', reason: 'my neighbour Ada Lovelace broke it' },
    metadata: {},
  };
}

describe.each(backends())('PII sealed at rest on %s', (backend) => {
  let t: TestDatabase;
  let vault: PiiVault;
  let store: PostgresEventStore;

  beforeAll(async () => {
    t = await createTestDatabase(backend);
    vault = await PiiVault.open(t.db, MASTER);
    store = new PostgresEventStore(t.db, { vault });
  });
  afterAll(async () => {
    await store.close();
    await t.drop();
  });

  it('stores PII fields sealed, other fields as given, and reads them back opened', async () => {
    const stream = `customer-${randomUUID()}`;
    await store.append(stream, [profile({ name: 'Ada Lovelace', email: 'ada@example.com', country: 'GB' }), purchase()]);

    const { rows } = await t.db.query<{ data: Record<string, unknown> }>('SELECT data FROM journey.events WHERE stream_id = $1 ORDER BY stream_position', [stream]);
    expect(JSON.stringify(rows)).not.toMatch(/Ada|ada@example/);
    expect(rows[0]!.data.country).toBe('GB');
    expect(rows[0]!.data.name).toMatch(/^pii:v1:/);
    expect(rows[1]!.data.amount).toBe(1200);

    const events = await store.readStream(stream);
    expect(events[0]!.data).toEqual({ name: 'Ada Lovelace', email: 'ada@example.com', country: 'GB' });
    expect((events[1]!.data as { reason: string }).reason).toBe('my neighbour Ada Lovelace broke it');
    // The global order opens them too (once the safe horizon passes the commit).
    const inOrder = await until(
      async () => (await store.readAll(START_CURSOR, 1000)).events.find((e) => e.eventId === events[0]!.eventId),
      10_000,
      'the event in the global order',
    );
    expect(inOrder.data).toEqual(events[0]!.data);
    expect((await store.verify(stream)).ok).toBe(true);
  });

  it('seals the same event to the same text, so a retry is a duplicate and other content a conflict', async () => {
    const stream = `customer-${randomUUID()}`;
    const event = profile({ name: 'Grace Hopper' });
    const first = await store.append(stream, [event]);
    const again = await store.append(stream, [event]);
    expect(again.outcomes[0]).toEqual({ ...first.outcomes[0], status: 'duplicate' });
    const changed = await store.append(stream, [{ ...event, data: { name: 'Grace B. Hopper' } }]);
    expect(changed.outcomes[0]!.status).toBe('conflict');
  });

  it('answers an event delivered again after its subject was forgotten as a duplicate, and other content under its id as a conflict', async () => {
    const stream = `customer-${randomUUID()}`;
    const original = profile({ email: 'redelivered@example.org', country: 'GB' });
    const first = await store.append(stream, [original]);
    await vault.forget([stream]);
    // Kafka delivers the message again after a crash before its offset was committed (or an SDK retries).
    const again = await store.append(stream, [original]);
    expect(again.outcomes[0]).toEqual({ ...first.outcomes[0], status: 'duplicate' });
    const changed = await store.append(stream, [{ ...original, data: { email: 'redelivered@example.org', country: 'FR' } }]);
    expect(changed.outcomes[0]!.status).toBe('conflict');
  });

  it('does not remember a key whose read began before another process forgot the subject and ended after it heard so', async () => {
    const subject = `customer-${randomUUID()}`;
    await store.append(subject, [profile({ email: 'stale.key@example.org' })]);
    // A second process on the same database, whose notices of forgotten subjects the test delivers.
    let hear: (subject: string) => void = () => undefined;
    const second: Database = {
      kind: t.db.kind,
      concurrency: t.db.concurrency,
      query: (sql, params, options) => t.db.query(sql, params, options),
      exec: (script) => t.db.exec(script),
      transaction: (work) => t.db.transaction(work),
      notify: (channel, payload) => t.db.notify(channel, payload),
      listen: (_channel, onNotify) => {
        hear = onNotify;
        return Promise.resolve(() => Promise.resolve());
      },
      close: () => Promise.resolve(),
    };
    const other = await PiiVault.open(second, MASTER);
    await other.listen();
    // Its key read is answered before the forget commits, and handed back after the notice came.
    const slowRead: Queryable = {
      query: async (sql, params) => {
        const answer = await t.db.query(sql, params);
        await vault.forget([subject]);
        hear(subject);
        return answer as never;
      },
      exec: (script) => t.db.exec(script),
    };
    expect((await other.keysOf(slowRead, [subject], 'read')).get(subject)).not.toBeNull();

    // Its later reads open nothing.
    const [stored] = (await t.db.query<{ event_id: string; type: string; data: object }>('SELECT event_id, type, data FROM journey.events WHERE stream_id = $1', [subject])).rows;
    const [opened] = await other.reveal(t.db, [{ eventId: stored!.event_id, type: stored!.type, data: stored!.data, streamId: subject }]);
    expect(opened!.data).toEqual({ email: FORGOTTEN });
  });

  it('gives each subject its own key, and the same value sealed twice two different texts', async () => {
    const a = `customer-${randomUUID()}`;
    const b = `customer-${randomUUID()}`;
    await store.append(a, [profile({ email: 'same@example.com' }), profile({ email: 'same@example.com' })]);
    await store.append(b, [profile({ email: 'same@example.com' })]);
    const { rows } = await t.db.query<{ email: string }>(
      "SELECT data->>'email' AS email FROM journey.events WHERE stream_id = ANY($1::text[])",
      [[a, b]],
    );
    expect(new Set(rows.map((row) => row.email)).size).toBe(3);
    const { rows: keys } = await t.db.query<{ n: number }>('SELECT count(*)::int AS n FROM journey.subject_keys WHERE subject = ANY($1::text[])', [[a, b]]);
    expect(keys[0]!.n).toBe(2);
  });

  it('reads a forgotten subject as [forgotten], while its chain still verifies and later PII is never stored', async () => {
    const stream = `customer-${randomUUID()}`;
    const other = `customer-${randomUUID()}`;
    await store.append(stream, [profile({ name: 'Alan Turing', phone: '+441234567890' })]);
    await store.append(other, [profile({ name: 'Joan Clarke' })]);
    await vault.forget([stream]);

    const [event] = await store.readStream(stream);
    expect(event!.data).toEqual({ name: FORGOTTEN, phone: FORGOTTEN });
    expect((await store.readStream(other))[0]!.data).toEqual({ name: 'Joan Clarke' });
    expect((await store.verify(stream)).ok).toBe(true);
    const { rows } = await t.db.query<{ wrapped: unknown }>('SELECT wrapped FROM journey.subject_keys WHERE subject = $1', [stream]);
    expect(rows[0]!.wrapped).toBeNull();

    await store.append(stream, [profile({ name: 'Alan M. Turing' })]);
    const { rows: stored } = await t.db.query<{ name: string }>(
      "SELECT data->>'name' AS name FROM journey.events WHERE stream_id = $1 ORDER BY stream_position DESC LIMIT 1",
      [stream],
    );
    expect(stored[0]!.name).toBe(FORGOTTEN);
    // A process that never held the key reads the same.
    const fresh = new PostgresEventStore(t.db, { vault: await PiiVault.open(t.db, MASTER) });
    expect((await fresh.readStream(stream))[0]!.data).toEqual({ name: FORGOTTEN, phone: FORGOTTEN });
    await fresh.close();
  });

  it('reads sealed text altered in the database as [unreadable], and verify names the event', async () => {
    const stream = `customer-${randomUUID()}`;
    await store.append(stream, [profile({ name: 'Katherine Johnson' })]);
    const { rows } = await t.db.query<{ name: string }>("SELECT data->>'name' AS name FROM journey.events WHERE stream_id = $1", [stream]);
    const sealed = Buffer.from(rows[0]!.name.slice('pii:v1:'.length), 'base64url');
    sealed[sealed.length - 1]! ^= 1;
    await t.db.exec(`ALTER TABLE journey.events DISABLE TRIGGER events_append_only`);
    await t.db.query(`UPDATE journey.events SET data = jsonb_set(data, '{name}', to_jsonb($2::text)) WHERE stream_id = $1`, [
      stream,
      `pii:v1:${sealed.toString('base64url')}`,
    ]);
    await t.db.exec(`ALTER TABLE journey.events ENABLE TRIGGER events_append_only`);
    expect((await store.readStream(stream))[0]!.data).toEqual({ name: UNREADABLE });
    expect(await store.verify(stream)).toMatchObject({ ok: false, brokenAt: 1 });
  });

  it('refuses a master key other than the one the database was sealed with', async () => {
    await expect(PiiVault.open(t.db, randomBytes(32))).rejects.toThrow(MasterKeyError);
    await expect(PiiVault.open(t.db, MASTER)).resolves.toBeInstanceOf(PiiVault);
  });
});

describe.each(backends())('Forgetting a customer on %s', (backend) => {
  let t: TestDatabase;
  let vault: PiiVault;
  let store: PostgresEventStore;
  const options = { ...DEFAULT_PROJECTION_OPTIONS, clockIntervalMs: 0, rfmIntervalMs: 0, predictions: { ...DEFAULT_PROJECTION_OPTIONS.predictions, intervalMs: 0 } };

  const forget = (customerId: string) => new ForgetCustomerHandler(t.db, store, vault, () => new Date()).execute(new ForgetCustomerCommand(customerId, 'erasure request'));
  const search = (query: string): NewEvent => ({ ...profile({}), type: 'SearchPerformed', source: 'shop', data: { query, resultsCount: 3 } });
  const linked = (anonymousId: string): NewEvent => ({ ...profile({}), type: 'IdentityLinked', source: 'shop', data: { anonymousId } });
  const searchesOf = async (anonymousId: string) => (await store.readStream(`visitor-${anonymousId}`)).map((e) => (e.data as { query: string }).query);
  const keyKept = async (subject: string) =>
    (await t.db.query<{ kept: boolean }>('SELECT wrapped IS NOT NULL AS kept FROM journey.subject_keys WHERE subject = $1', [subject])).rows[0]?.kept;
  /** Runs the customer pass until it has folded everything appended so far. */
  async function fold(): Promise<void> {
    const projector = new Projector(t.db, store, options, () => new Date());
    await projector.start();
    try {
      await projector.caughtUp();
    } finally {
      await projector.stop();
    }
  }

  beforeAll(async () => {
    t = await createTestDatabase(backend);
    vault = await PiiVault.open(t.db, MASTER);
    await vault.listen();
    store = new PostgresEventStore(t.db, { vault });
  });
  afterAll(async () => {
    await store.close();
    await vault.close();
    await t.drop();
  });

  it('destroys the keys of the visitors the log links to the customer, before the customer pass has folded the links', async () => {
    const customerId = `c-${randomUUID()}`;
    const anonymousId = `anon-${randomUUID()}`;
    await store.append(`visitor-${anonymousId}`, [search('wedding ring for my secret fiancee')]);
    await store.append(`customer-${customerId}`, [profile({ name: 'Zebulon Quartermaine' }), linked(anonymousId)]);

    const report = await forget(customerId);
    expect({ subjects: report.subjects, searches: await searchesOf(anonymousId) }).toEqual({
      subjects: [`customer-${customerId}`, `visitor-${anonymousId}`],
      searches: [FORGOTTEN],
    });
  });

  it('destroys the key of a visitor linked after the customer was forgotten, once the customer pass folds the link', async () => {
    const customerId = `c-${randomUUID()}`;
    const anonymousId = `anon-${randomUUID()}`;
    await store.append(`customer-${customerId}`, [profile({ name: 'Octavia Pemberton-Vane' })]);
    await store.append(`visitor-${anonymousId}`, [search('divorce lawyer near Little Snoring')]);
    await fold();
    await forget(customerId);
    // The shop's late (or re-delivered) link of a device the customer used.
    await store.append(`customer-${customerId}`, [linked(anonymousId)]);
    expect(await searchesOf(anonymousId)).toEqual(['divorce lawyer near Little Snoring']);

    await fold();
    expect(await keyKept(`visitor-${anonymousId}`)).toBe(false);
    // This process's vault hears of it (its cached key is dropped).
    await until(async () => ((await searchesOf(anonymousId))[0] === FORGOTTEN ? true : undefined), 10_000, 'the visitor read as forgotten');
  });

  it('destroys the keys of every visitor linked before CustomerForgotten when the customer pass folds it, whatever the request saw', async () => {
    const customerId = `c-${randomUUID()}`;
    const anonymousId = `anon-${randomUUID()}`;
    await store.append(`visitor-${anonymousId}`, [search('second-hand engagement ring')]);
    await store.append(`customer-${customerId}`, [profile({ name: 'Ignatius Fairweather' })]);
    // A request that read the links just before this one was appended.
    await vault.forget([`customer-${customerId}`]);
    await store.append(`customer-${customerId}`, [linked(anonymousId)]);
    await store.append(`customer-${customerId}`, [
      derivedEvent('CustomerForgotten', { customerId, cause: [customerId, 'CustomerForgotten'], occurredAt: new Date().toISOString(), data: {} }),
    ]);
    expect(await keyKept(`visitor-${anonymousId}`)).toBe(true);

    await fold();
    expect(await keyKept(`visitor-${anonymousId}`)).toBe(false);
    await until(async () => ((await searchesOf(anonymousId))[0] === FORGOTTEN ? true : undefined), 10_000, 'the visitor read as forgotten');
  });
});

describe('PII stored before sealing existed (upgrade, on PGlite)', () => {
  it('is sealed at the next start, the chains recomputed and recorded, the reads unchanged', async () => {
    const db = await PgliteDatabase.open();
    try {
      const migrations = loadMigrations();
      // The schema from before sealing (006), with today's functions so that today's store can
      // write the events of that time.
      await migrate(db, migrations.filter((m) => m.name < '006'));
      const plain = new PostgresEventStore(db);
      const stream = 'customer-legacy-1';
      const events = [profile({ name: 'Hedy Lamarr', email: 'hedy@example.com' }), purchase(), profile({ city: 'Vienna' })];
      await plain.append(stream, events);
      await plain.append('customer-legacy-2', [purchase()]);
      await plain.close();
      const before = (await db.query<{ hash: Buffer }>('SELECT hash FROM journey.events WHERE stream_id = $1 ORDER BY stream_position', [stream])).rows;

      await migrate(db, migrations);
      const vault = await PiiVault.open(db, MASTER);
      expect(await sealStoredPii(db, vault)).toEqual({ streams: 2, events: 4 });
      expect(await sealStoredPii(db, vault)).toEqual({ streams: 0, events: 0 });

      const { rows } = await db.query<{ data: unknown; hash: Buffer }>('SELECT data, hash FROM journey.events ORDER BY global_position');
      expect(JSON.stringify(rows)).not.toMatch(/Hedy|hedy@|Vienna|Ada Lovelace/);
      expect(Buffer.compare(rows[0]!.hash, before[0]!.hash)).not.toBe(0);
      const store = new PostgresEventStore(db, { vault });
      expect((await store.readStream(stream)).map((e) => e.data)).toEqual(events.map((e) => e.data));
      expect((await store.verify(stream)).ok).toBe(true);
      expect((await store.verify('customer-legacy-2')).ok).toBe(true);
      const { rows: rewrites } = await db.query<{ stream_id: string; from_position: number }>(
        'SELECT stream_id, from_position FROM journey.chain_rewrites ORDER BY stream_id',
      );
      expect(rewrites).toEqual([
        { stream_id: 'customer-legacy-1', from_position: 1 },
        { stream_id: 'customer-legacy-2', from_position: 1 },
      ]);
      // The log is append-only again.
      await expect(db.query("UPDATE journey.events SET type = 'X' WHERE stream_id = $1", [stream])).rejects.toThrow(/append-only/);
      // New events after the upgrade chain on from the new head.
      await store.append(stream, [profile({ name: 'H. Lamarr' })]);
      expect((await store.verify(stream)).ok).toBe(true);
      await store.close();
    } finally {
      await db.close();
    }
  });
});
