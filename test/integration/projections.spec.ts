import { randomUUID } from 'node:crypto';
import { customerAsOf, joinedCustomersIn, rebuildCustomerProjection } from '@journey/projections';
import { dataset } from '@journey/datagen';
import { streamIdOf } from '@journey/contracts';
import { customerEvent, ProjectionHarness, purchase } from '../support/projection-harness';
import { backends, createTestDatabase, type TestDatabase } from '../support/test-database';
import { until } from '../support/until';

const DAY = 86_400_000;
const at = (base: string, days: number, hours = 0) => new Date(Date.parse(base) + days * DAY + hours * 3_600_000).toISOString();

describe.each(backends())('projections on %s', (backend) => {
  let t: TestDatabase;
  let h: ProjectionHarness;

  beforeAll(async () => {
    t = await createTestDatabase(backend);
    h = new ProjectionHarness(t.db);
    h.start();
  });
  afterAll(async () => {
    await h.close();
    await t.drop();
  });

  it('identity: a visitor browses, is linked, buys as the customer: one 360 with the whole journey', async () => {
    const customerId = `c-${randomUUID().slice(0, 8)}`;
    const anonymousId = `v-${randomUUID().slice(0, 8)}`;
    const visitor = { anonymousId };
    const base = '2026-02-01T10:00:00.000Z';
    await h.publish(
      customerEvent('PageViewed', visitor, at(base, 0)),
      customerEvent('ProductViewed', visitor, at(base, 0, 1)),
      customerEvent('SearchPerformed', visitor, at(base, 0, 2)),
      customerEvent('CartUpdated', visitor, at(base, 0, 3)),
      customerEvent('CustomerRegistered', { customerId }, at(base, 1)),
    );
    // The link is recorded a millisecond or more after the registration, so that an instant between them exists.
    const registeredAt = Date.parse((await h.store.readStream(`customer-${customerId}`))[0]!.recordedAt);
    await until(() => (Date.now() > registeredAt + 1 ? true : undefined), 10_000, 'the clock to move past the registration');
    await h.publish(
      customerEvent('IdentityLinked', { customerId }, at(base, 1, 1), { anonymousId }),
      purchase(customerId, at(base, 1, 2)),
      customerEvent('ProductViewed', visitor, at(base, 2)),
    );
    await h.settle();
    const customer = await h.customer(customerId);
    expect(customer).toMatchObject({ identities: [anonymousId], views: 3, searches: 1, carts: 1, orders: 1 });
    expect(customer!.lifecycle.stage).toBe('first_time');
    const { rows } = await t.db.query('SELECT customer_id FROM journey.visitor_activity WHERE anonymous_id = $1', [anonymousId]);
    expect(rows).toEqual([{ customer_id: customerId }]);

    // As of before the link, what was known of the customer did not include the visitor yet.
    const links = await h.store.readStream(`customer-${customerId}`);
    const beforeLink = new Date(Date.parse(links[0]!.recordedAt));
    const early = await customerAsOf(h.store, joinedCustomersIn(t.db), customerId, beforeLink, h.options.lifecycle);
    expect(early!.customer).toMatchObject({ views: 0, identities: [] });
    expect(early!.stage).toBe('prospect');
  });

  it('as of an instant by either clock: recorded (what the engine knew then) or occurred (what had happened by then)', async () => {
    const customerId = `c-${randomUUID().slice(0, 8)}`;
    // A purchase of last year, sent only now: it occurred before the instant, and was recorded after it.
    await h.publish(purchase(customerId, '2025-06-01T10:00:00.000Z'));
    const instant = new Date('2025-07-01T00:00:00.000Z');
    expect(await customerAsOf(h.store, joinedCustomersIn(t.db), customerId, instant, h.options.lifecycle, 'recorded')).toBeUndefined();
    const occurred = await customerAsOf(h.store, joinedCustomersIn(t.db), customerId, instant, h.options.lifecycle, 'occurred');
    expect(occurred!.customer).toMatchObject({ orders: 1 });
    expect(occurred!.stage).toBe('first_time');
    expect(await customerAsOf(h.store, joinedCustomersIn(t.db), customerId, new Date('2025-05-01T00:00:00.000Z'), h.options.lifecycle, 'occurred')).toBeUndefined();
  });

  it('as of any instant, a visitor linked to two customers counts for the first one only, as in the live fold', async () => {
    const [a, b] = [`c-a-${randomUUID().slice(0, 8)}`, `c-b-${randomUUID().slice(0, 8)}`];
    const anonymousId = `v-${randomUUID().slice(0, 8)}`;
    await h.publish(
      customerEvent('ProductViewed', { anonymousId }, '2026-02-01T10:00:00.000Z'),
      customerEvent('SearchPerformed', { anonymousId }, '2026-02-01T10:05:00.000Z'),
      customerEvent('CustomerRegistered', { customerId: a }, '2026-02-02T10:00:00.000Z'),
      customerEvent('IdentityLinked', { customerId: a }, '2026-02-02T10:01:00.000Z', { anonymousId }),
      customerEvent('CustomerRegistered', { customerId: b }, '2026-02-03T10:00:00.000Z'),
      // The shared device signs in as a second customer: its history already joined a.
      customerEvent('IdentityLinked', { customerId: b }, '2026-02-03T10:01:00.000Z', { anonymousId }),
      customerEvent('ProductViewed', { anonymousId }, '2026-02-04T10:00:00.000Z'),
    );
    await h.settle();
    const counts = (customer: { views: number; searches: number } | undefined) => [customer!.views, customer!.searches];
    expect({ a: counts(await h.customer(a)), b: counts(await h.customer(b)) }).toEqual({ a: [2, 1], b: [0, 0] });

    const joined = joinedCustomersIn(t.db);
    const asOf = async (customerId: string, instant: Date, by: 'recorded' | 'occurred') => counts((await customerAsOf(h.store, joined, customerId, instant, h.options.lifecycle, by))!.customer);
    const now = new Date(Date.now() + 1000);
    expect({ a: await asOf(a, now, 'recorded'), b: await asOf(b, now, 'recorded') }).toEqual({ a: [2, 1], b: [0, 0] });
    expect({ a: await asOf(a, new Date('2026-02-05T00:00:00.000Z'), 'occurred'), b: await asOf(b, new Date('2026-02-05T00:00:00.000Z'), 'occurred') }).toEqual({
      a: [2, 1],
      b: [0, 0],
    });
    // Before the second link, b had not seen the visitor either.
    expect(await asOf(b, new Date('2026-02-03T10:00:30.000Z'), 'occurred')).toEqual([0, 0]);
  });

  it('time: at risk, then churned, each once, when the clock passes the thresholds; a purchase then reactivates', async () => {
    const customerId = `c-${randomUUID().slice(0, 8)}`;
    const stream = `customer-${customerId}`;
    const base = '2025-01-01T12:00:00.000Z';
    await h.publish(purchase(customerId, at(base, 0)), purchase(customerId, at(base, 10)));
    await h.settle();
    expect((await h.customer(customerId))!.lifecycle.stage).toBe('repeat');

    h.now = new Date(at(base, 69));
    expect((await h.projector.reviewLifecycles()).appended).toBe(0);
    h.now = new Date(at(base, 71));
    expect((await h.projector.reviewLifecycles()).appended).toBe(1);
    expect((await h.projector.reviewLifecycles()).appended).toBe(0);
    await h.settle();
    const atRisk = await h.customer(customerId);
    expect(atRisk!.lifecycle).toMatchObject({ stage: 'at_risk', since: Date.parse(at(base, 70)) });
    expect(atRisk!.nextReviewAt).toBe(at(base, 190));

    h.now = new Date(at(base, 191));
    expect((await h.projector.reviewLifecycles()).appended).toBe(1);
    await h.settle();
    // A second clock, or a restart, at the same moment: nothing new.
    expect((await h.projector.reviewLifecycles()).appended).toBe(0);
    expect((await h.customer(customerId))!.lifecycle.stage).toBe('churned');

    await h.publish(purchase(customerId, at(base, 200)));
    await h.settle();
    expect((await h.customer(customerId))!.lifecycle.stage).toBe('reactivated');
    const changes = (await h.eventsOfType(stream, 'LifecycleStageChanged')).map((e) => {
      const data = e.data as { from: string; to: string };
      return `${data.from}→${data.to}`;
    });
    expect(changes).toEqual(['prospect→first_time', 'first_time→repeat', 'repeat→at_risk', 'at_risk→churned', 'churned→reactivated']);

    // As of now, with the last purchase long past: the stage is carried to the instant.
    const asOf = await customerAsOf(h.store, joinedCustomersIn(t.db), customerId, new Date(), h.options.lifecycle);
    expect(asOf!.stage).toBe('churned');
    expect(asOf!.customer.orders).toBe(3);
  });

  it('RFM: a small population gets the scores, segments and tiers computed by hand, each change appended once', async () => {
    const prefix = `rfm${randomUUID().slice(0, 6)}`;
    h.now = new Date('2026-06-01T00:00:00Z');
    // customer, recency days, orders in the window, revenue (EUR cents): as in rfm.spec.ts.
    const people: Array<[string, number, number, number]> = [
      ['ann', 2, 12, 250_000],
      ['bob', 10, 6, 90_000],
      ['cat', 40, 3, 30_000],
      ['dan', 90, 2, 12_000],
      ['eve', 200, 1, 4_000],
      ['fay', 5, 1, 3_000],
      ['gus', 300, 8, 150_000],
      ['hal', 60, 1, 2_000],
      ['ida', 20, 4, 45_000],
      ['jon', 150, 2, 8_000],
    ];
    for (const [name, recency, orders, revenue] of people) {
      const events = [];
      for (let i = orders - 1; i >= 0; i--) {
        const total = i === 0 ? revenue - 100 * (orders - 1) : 100;
        events.push(purchase(`${prefix}-${name}`, at(h.now.toISOString(), -recency - i), total));
      }
      await h.publish(...events);
    }
    await h.settle();
    // Only this population: earlier tests' customers are older, or bought at other times.
    await t.db.query("UPDATE journey.customer_360 SET orders = 0 WHERE customer_id NOT LIKE $1 || '-%'", [prefix]);
    const report = await h.projector.runRfm();
    expect(report.customers).toBe(10);
    await h.settle();
    const row = async (name: string) => (await h.customer(`${prefix}-${name}`))!;
    expect(await row('ann')).toMatchObject({ rfm: { recency: 5, frequency: 5, monetary: 5 }, segment: 'Champions', tier: 'high' });
    expect(await row('bob')).toMatchObject({ rfm: { recency: 4, frequency: 4, monetary: 4 }, segment: 'Loyal', tier: 'high' });
    expect(await row('fay')).toMatchObject({ rfm: { recency: 5, frequency: 1, monetary: 1 }, segment: 'New', tier: 'low' });
    expect(await row('gus')).toMatchObject({ rfm: { recency: 1, frequency: 5, monetary: 5 }, segment: "Can't Lose Them", tier: 'medium' });
    expect(await row('eve')).toMatchObject({ rfm: { recency: 1, frequency: 1, monetary: 2 }, segment: 'Lost', tier: 'low' });
    expect(await row('jon')).toMatchObject({ segment: 'Hibernating', tier: 'low' });

    const again = await h.projector.runRfm();
    expect(again.changed).toBe(0);
    expect(await h.eventsOfType(`customer-${prefix}-ann`, 'ValueTierChanged')).toHaveLength(1);
  });

  it('RFM: runners of one slot score as of its start, so they append each change once; forgotten customers are not scored', async () => {
    const prefix = `slot${randomUUID().slice(0, 6)}`;
    const slot = Date.parse('2026-07-01T00:00:00Z'); // the harness's slots are minutes
    const id = (name: string) => `${prefix}-${name}`;
    const iso = (ms: number) => new Date(ms).toISOString();
    await h.publish(
      // Inside the 365-day window at the slot's start, outside it 30 seconds later.
      purchase(id('edge'), iso(slot + 30_000 - 365 * DAY)),
      purchase(id('edge'), iso(slot - 100 * DAY)),
      purchase(id('one'), iso(slot - 50 * DAY)),
      purchase(id('two'), iso(slot - 40 * DAY)),
      purchase(id('two'), iso(slot - 30 * DAY)),
      purchase(id('three'), iso(slot - 20 * DAY)),
      purchase(id('three'), iso(slot - 15 * DAY)),
      purchase(id('three'), iso(slot - 10 * DAY)),
      purchase(id('gone'), iso(slot - 3 * DAY), 90_000),
      customerEvent('CustomerForgotten', { customerId: id('gone') }, iso(slot - DAY)),
    );
    await h.settle();
    await t.db.query("UPDATE journey.customer_360 SET orders = 0 WHERE customer_id NOT LIKE $1 || '-%'", [prefix]);

    const first = await h.projector.runRfm(new Date(slot + 10_000));
    const second = await h.projector.runRfm(new Date(slot + 50_000));
    expect(second.run).toBe(first.run);
    expect(first.customers).toBe(4);
    expect(second.changed).toBe(first.changed);
    expect(second.appended).toBe(0);
    await h.settle();
    // Two orders in the window (frequencies 2, 1, 2, 3): score 2; one would have scored 1.
    const edge = await h.eventsOfType(`customer-${id('edge')}`, 'ValueTierChanged');
    expect(edge.map((e) => [e.occurredAt, (e.data as { rfm: { frequency: number } }).rfm.frequency])).toEqual([[iso(slot), 2]]);
    expect(await h.eventsOfType(`customer-${id('gone')}`, 'ValueTierChanged')).toHaveLength(0);
  });
});

describe.each(backends())('rebuild on %s', (backend) => {
  const customers = backend === 'postgres' ? 1400 : 150;
  let t: TestDatabase;
  let h: ProjectionHarness;

  beforeAll(async () => {
    t = await createTestDatabase(backend);
    h = new ProjectionHarness(t.db);
    h.start();
  });
  afterAll(async () => {
    await h.close();
    await t.drop();
  });

  it(`gives models equal to the live ones, row by row, and appends nothing (${customers} generated customers)`, async () => {
    const until = new Date('2026-06-01T00:00:00Z');
    let events = 0;
    for (const customer of dataset({ seed: 11, customers, until }, until).customers()) {
      const byStream = new Map<string, typeof customer.events[number][]>();
      for (const event of customer.events) byStream.set(streamIdOf(event), [...(byStream.get(streamIdOf(event)) ?? []), event]);
      await h.store.appendMany([...byStream].map(([streamId, list]) => ({ streamId, events: list })));
      events += customer.events.length;
    }
    h.now = until;
    await h.settle();
    await h.projector.reviewLifecycles();
    await h.settle();
    // A purchase arriving late, dated before its customer went at risk: no reactivation, live or rebuilt.
    const { rows: atRisk } = await t.db.query<{ customer_id: string; stage_since: Date }>(
      "SELECT customer_id, stage_since FROM journey.customer_360 WHERE stage = 'at_risk' ORDER BY customer_id LIMIT 1",
    );
    const late = atRisk[0]!;
    await h.publish(purchase(late.customer_id, new Date(late.stage_since.getTime() - 86_400_000).toISOString()));
    await h.projector.runRfm();
    await h.settle();
    expect(await h.customer(late.customer_id)).toMatchObject({ lifecycle: { stage: 'at_risk', since: late.stage_since.getTime() } });
    if (backend === 'postgres') expect(events).toBeGreaterThan(100_000);

    const live = await h.dump();
    // Each index of the live tables, by what it indexes (a rebuild names its own).
    const indexes = async () =>
      (
        await t.db.query<{ def: string }>(
          `SELECT regexp_replace(pg_get_indexdef(i.indexrelid), '^(CREATE (UNIQUE )?INDEX) \\S+ ', '\\1 ') AS def
           FROM pg_index i WHERE i.indrelid IN ('journey.customer_360'::regclass, 'journey.visitor_activity'::regclass)
           ORDER BY 1`,
        )
      ).rows.map((row) => row.def);
    const liveIndexes = await indexes();
    expect(liveIndexes.length).toBeGreaterThan(5);
    const stored = async () => (await t.db.query<{ n: number }>('SELECT count(*)::int AS n FROM journey.events')).rows[0]!.n;
    const before = await stored();
    const report = await rebuildCustomerProjection(t.db, h.store, { lifecycle: h.options.lifecycle, batchSize: 2000 });
    expect(report.events).toBe(before);
    expect(await stored()).toBe(before);
    const rebuilt = await h.dump();
    expect(rebuilt.length).toBeGreaterThan(1000);
    expect(rebuilt).toBe(live);
    expect(await indexes()).toEqual(liveIndexes);

    // The live projector goes on after the swap.
    const later = `c-${randomUUID().slice(0, 8)}`;
    await h.publish(purchase(later, '2026-05-30T00:00:00.000Z'));
    await h.settle();
    expect((await h.customer(later))!.orders).toBe(1);
  }, 300_000);
});
