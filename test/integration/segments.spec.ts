import { randomBytes, randomUUID } from 'node:crypto';
import {
  customerAsOf,
  joinedCustomersIn,
  LIVE_TABLES,
  previewSegment,
  projectBatch,
  rebuildCustomerProjection,
  replayCheck,
  reviewSegments,
  runBackfill,
  savePredictions,
  SegmentStore,
  segmentHistory,
  segmentMembers,
  segmentSizes,
  startBackfill,
  type CustomerDecider,
} from '@journey/projections';
import { memberOf, parseSegment } from '@journey/domain';
import { PiiVault } from '@journey/privacy';
import { ForgetCustomerCommand } from '../../services/query/src/privacy/forget-customer/forget-customer.command';
import { ForgetCustomerHandler } from '../../services/query/src/privacy/forget-customer/forget-customer.handler';
import { customerEvent, ProjectionHarness, purchase } from '../support/projection-harness';
import { until } from '../support/until';
import { backends, createTestDatabase, describeWithServer, type TestDatabase } from '../support/test-database';

const id = (prefix: string) => `${prefix}-${randomUUID().slice(0, 8)}`;
const MASTER = randomBytes(32);

describe.each(backends())('segments on %s', (backend) => {
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

  const define = async (definition: Record<string, unknown>) => (await SegmentStore.save(t.db, definition, { create: true })).record.segment;
  const membershipEvents = async (customerId: string) =>
    (await h.store.readStream(`customer-${customerId}`)).filter((e) => e.type === 'SegmentEntered' || e.type === 'SegmentExited');

  it('each condition kind decides membership on the state each event leaves, once per change', async () => {
    const shoes = await define({
      id: id('shoes'),
      name: 'Bought shoes twice in 90 days',
      conditions: { event: 'PurchaseCompleted', where: { category: 'shoes' }, atLeast: 2, within: '90d' },
    });
    const german = await define({ id: id('de'), name: 'Germany, email consent', conditions: { all: [{ field: 'country', op: 'eq', value: 'DE' }, { field: 'consent.email:marketing', op: 'eq', value: true }] } });
    const both = await define({ id: id('both'), name: 'Both', conditions: { all: [{ segment: shoes.id }, { not: { segment: german.id } }] } });
    const customerId = id('c');
    await h.publish(
      customerEvent('CustomerRegistered', { customerId }, '2026-05-01T10:00:00.000Z', { name: 'Ada', email: 'ada@example.com', country: 'DE', timezone: 'Europe/Berlin' }),
      purchase(customerId, '2026-05-02T10:00:00.000Z'),
      purchase(customerId, '2026-05-03T10:00:00.000Z'),
    );
    await h.settle();
    const customer = (await h.customer(customerId))!;
    // From DE without consent yet, so not german; shoes twice → shoes and both.
    expect(memberOf(customer.segments)).toEqual([both.id, shoes.id].sort());
    const events = await membershipEvents(customerId);
    expect(events.map((e) => [e.type, (e.data as { segmentId: string }).segmentId])).toEqual([
      ['SegmentEntered', shoes.id],
      ['SegmentEntered', both.id],
    ]);
    const second = (await h.store.readStream(`customer-${customerId}`)).find((e) => e.type === 'PurchaseCompleted' && e.occurredAt.startsWith('2026-05-03'))!;
    expect(events[0]!.data).toMatchObject({ segmentVersion: 1, change: 1, causeEventId: second.eventId, backfill: false });

    await h.publish(customerEvent('ConsentChanged', { customerId }, '2026-05-04T10:00:00.000Z', { channel: 'email', purpose: 'marketing', granted: true }));
    await h.settle();
    expect(memberOf((await h.customer(customerId))!.segments)).toEqual([german.id, shoes.id].sort());
    expect((await membershipEvents(customerId)).map((e) => e.type)).toEqual(['SegmentEntered', 'SegmentEntered', 'SegmentEntered', 'SegmentExited']);
    expect((await segmentSizes(t.db, [shoes.id])).get(shoes.id)).toBe(1);
    expect((await segmentMembers(t.db, german.id, '', 10)).map((m) => m.customerId)).toEqual([customerId]);
    await SegmentStore.archive(t.db, both.id);
    await SegmentStore.archive(t.db, shoes.id);
    await SegmentStore.archive(t.db, german.id);
  });

  it('time alone: "no MessageOpened in 30 days" is entered when the last open leaves the window, by the clock', async () => {
    const quiet = await define({ id: id('quiet'), name: 'No opens in 30 days', conditions: { all: [{ field: 'stage', op: 'ne', value: 'churned' }, { event: 'MessageOpened', atMost: 0, within: '30d' }] } });
    const customerId = id('c');
    await h.publish(customerEvent('MessageOpened', { customerId }, '2026-03-10T08:00:00.000Z'));
    await h.settle();
    const opened = (await h.customer(customerId))!;
    expect(opened.segments[quiet.id]).toBeUndefined();
    // The open of 10 March counts through 8 April; on 9 April at 00:00 it has left the window.
    expect(opened.segmentReviewAt).toBe('2026-04-09T00:00:00.000Z');
    expect((await h.projector.reviewSegments(new Date('2026-04-08T23:59:00.000Z'))).changes).toBe(0);
    expect((await h.projector.reviewSegments(new Date('2026-04-20T00:00:00.000Z'))).changes).toBe(1);
    expect((await h.projector.reviewSegments(new Date('2026-04-20T00:00:00.000Z'))).changes).toBe(0);
    await h.settle();
    const events = await membershipEvents(customerId);
    expect(events.map((e) => [e.type, e.occurredAt, (e.data as { causeTick?: string }).causeTick])).toEqual([['SegmentEntered', '2026-04-09T00:00:00.000Z', '2026-04-09T00:00:00.000Z']]);
    // An open brings them out again, on the event.
    await h.publish(customerEvent('MessageOpened', { customerId }, '2026-04-21T08:00:00.000Z'));
    await h.settle();
    expect((await membershipEvents(customerId)).map((e) => e.type)).toEqual(['SegmentEntered', 'SegmentExited']);
    const history = await segmentHistory(t.db, quiet.id, '2026-04-08', '2026-04-21');
    expect(history[1]).toEqual({ day: '2026-04-09', entered: 1, exited: 0, size: 1 });
    expect(history[history.length - 1]).toEqual({ day: '2026-04-21', entered: 0, exited: 1, size: 0 });

    // As of any instant, the memberships folded from the log are those recorded then.
    for (const instant of ['2026-04-08T12:00:00.000Z', '2026-04-10T00:00:00.000Z', '2026-04-22T00:00:00.000Z']) {
      const asOf = await customerAsOf(h.store, joinedCustomersIn(t.db), customerId, new Date(instant), h.options.lifecycle, 'occurred');
      expect(memberOf(asOf!.customer.segments)).toEqual(instant.startsWith('2026-04-10') ? [quiet.id] : []);
    }
    await SegmentStore.archive(t.db, quiet.id);
  });

  it('a backfill beside live ingest marks its entries and neither loses nor doubles one', async () => {
    const customers = Array.from({ length: 60 }, () => id('b'));
    for (const customerId of customers) await h.publish(purchase(customerId, '2026-05-10T10:00:00.000Z', 5_000));
    await h.settle();
    const big = await define({ id: id('big'), name: 'Net revenue of at least 100 EUR', conditions: { field: 'netRevenue.EUR', op: 'gte', value: 10_000 } });
    const job = await startBackfill(t.db, big.id, big.version, randomUUID(), new Date('2026-05-11T00:00:00.000Z'));
    // While the backfill runs, half the customers buy again (entering live), the others do not.
    const live = h.publish(...customers.filter((_, i) => i % 2 === 0).map((customerId) => purchase(customerId, '2026-05-12T10:00:00.000Z', 5_000)));
    const ran = runBackfill(h.store, job.jobId, { chunk: 7 });
    await live;
    const done = await ran;
    await h.settle();
    expect(done.status).toBe('done');
    expect(done.done).toBe(done.total);
    for (const [i, customerId] of customers.entries()) {
      const entries = (await membershipEvents(customerId)).filter((e) => (e.data as { segmentId: string }).segmentId === big.id);
      expect(entries.map((e) => e.type)).toEqual(i % 2 === 0 ? ['SegmentEntered'] : []);
    }
    const members = new Set((await segmentMembers(t.db, big.id, '', 1000)).map((m) => m.customerId));
    expect(customers.filter((c) => members.has(c))).toHaveLength(30);

    // Editing the segment (a new version) and backfilling it: those who still qualify stay, entries marked as a backfill's.
    const edited = (await SegmentStore.save(t.db, { id: big.id, name: 'Net revenue of at least 50 EUR', conditions: { field: 'netRevenue.EUR', op: 'gte', value: 5_000 } }, { create: false, id: big.id })).record.segment;
    expect(edited.version).toBe(2);
    const second = await startBackfill(t.db, big.id, edited.version, randomUUID(), new Date('2026-05-13T00:00:00.000Z'));
    expect(await runBackfill(h.store, second.jobId)).toMatchObject({ status: 'done', entered: 30, exited: 0, done: done.total });
    await h.settle();
    const odd = (await membershipEvents(customers[1]!)).filter((e) => (e.data as { segmentId: string }).segmentId === big.id);
    expect(odd.map((e) => e.data)).toEqual([expect.objectContaining({ segmentVersion: 2, backfill: true, backfillJobId: second.jobId })]);
    const after = new Set((await segmentMembers(t.db, big.id, '', 1000)).map((m) => m.customerId));
    expect(customers.filter((c) => after.has(c))).toHaveLength(60);
  });

  it('a customer a backfill entered leaves when their stage moves on: by the clock, and by an event', async () => {
    // Two first-time buyers of 1 June; the segment is saved on 15 August, before the lifecycle clock
    // has moved either (both have been at risk since 31 July: 60 days without a purchase).
    const [lapsing, returning] = [id('c'), id('c')];
    await h.publish(purchase(lapsing, '2026-06-01T10:00:00.000Z'), purchase(returning, '2026-06-01T10:00:00.000Z'));
    // Twice: the first-time stage changes the purchases caused are appended as the first ends.
    await h.settle();
    await h.settle();
    const firstTimers = await define({ id: id('first'), name: 'First-time buyers', conditions: { field: 'stage', op: 'eq', value: 'first_time' } });
    const job = await startBackfill(t.db, firstTimers.id, firstTimers.version, randomUUID(), new Date('2026-08-15T00:00:00.000Z'));
    expect(await runBackfill(h.store, job.jobId)).toMatchObject({ status: 'done' });
    const ours = async () => (await segmentMembers(t.db, firstTimers.id, '', 1000)).map((m) => m.customerId).filter((c) => c === lapsing || c === returning);
    expect((await ours()).sort()).toEqual([lapsing, returning].sort());
    // One buys again; the other's move to at_risk comes from the lifecycle clock, or from the pass
    // folding the backfill's SegmentEntered (its instant is past the 60 days), whichever is first.
    await h.publish(purchase(returning, '2026-08-16T10:00:00.000Z'));
    await h.projector.reviewLifecycles(new Date('2026-08-17T00:00:00.000Z'));
    await h.settle();
    await h.settle();
    expect(await ours()).toEqual([]);
    expect((await h.customer(lapsing))!.lifecycle.stage).toBe('at_risk');
    expect((await h.customer(returning))!.lifecycle.stage).toBe('reactivated');
    for (const customerId of [lapsing, returning]) {
      const changes = (await membershipEvents(customerId)).filter((e) => (e.data as { segmentId: string }).segmentId === firstTimers.id);
      expect(changes.map((e) => [e.type, (e.data as { backfill: boolean }).backfill])).toEqual([
        ['SegmentEntered', true],
        ['SegmentExited', false],
      ]);
    }
    await SegmentStore.archive(t.db, firstTimers.id);
  });

  it('a new version of a segment moves the members of the segments naming it, in its backfill', async () => {
    const customerId = id('c');
    await h.publish(purchase(customerId, '2026-09-01T10:00:00.000Z', 5_000));
    await h.settle();
    await h.settle();
    const big = await define({ id: id('big'), name: 'Net revenue of at least 100 EUR', conditions: { field: 'netRevenue.EUR', op: 'gte', value: 10_000 } });
    const notBig = await define({ id: id('small'), name: 'Not big', conditions: { not: { segment: big.id } } });
    for (const segment of [big, notBig]) await runBackfill(h.store, (await startBackfill(t.db, segment.id, segment.version, randomUUID(), new Date('2026-09-02T00:00:00.000Z'))).jobId);
    expect(memberOf((await h.customer(customerId))!.segments)).toContain(notBig.id);
    // At least 50 EUR now: the customer enters big, and so leaves the segment naming it, in the same backfill.
    const edited = (await SegmentStore.save(t.db, { id: big.id, name: 'Net revenue of at least 50 EUR', conditions: { field: 'netRevenue.EUR', op: 'gte', value: 5_000 } }, { create: false, id: big.id })).record.segment;
    const job = await startBackfill(t.db, big.id, edited.version, randomUUID(), new Date('2026-09-03T00:00:00.000Z'));
    await runBackfill(h.store, job.jobId);
    await h.settle();
    const members = memberOf((await h.customer(customerId))!.segments);
    expect(members).toContain(big.id);
    expect(members).not.toContain(notBig.id);
    const exits = (await membershipEvents(customerId)).filter((e) => (e.data as { segmentId: string }).segmentId === notBig.id && e.type === 'SegmentExited');
    expect(exits.map((e) => e.data)).toEqual([expect.objectContaining({ backfill: true, backfillJobId: job.jobId })]);
    await SegmentStore.archive(t.db, notBig.id);
    await SegmentStore.archive(t.db, big.id);
  });

  it('a backfill sets the review instant its segment brings, so the clock later moves the customer in', async () => {
    const customerId = id('c');
    await h.publish(customerEvent('MessageOpened', { customerId }, '2026-07-01T08:00:00.000Z'));
    await h.settle();
    const lapsed = await define({ id: id('lapsed'), name: 'No opens in 30 days', conditions: { event: 'MessageOpened', atMost: 0, within: '30d' } });
    const job = await startBackfill(t.db, lapsed.id, lapsed.version, randomUUID(), new Date('2026-07-10T00:00:00.000Z'));
    await runBackfill(h.store, job.jobId);
    expect((await h.customer(customerId))!.segmentReviewAt).toBe('2026-07-31T00:00:00.000Z');
    await h.projector.reviewSegments(new Date('2026-08-01T00:00:00.000Z'));
    await h.settle();
    expect((await membershipEvents(customerId)).map((e) => [e.type, e.occurredAt])).toEqual([['SegmentEntered', '2026-07-31T00:00:00.000Z']]);
    await SegmentStore.archive(t.db, lapsed.id);
  });

  it('prediction fields: "P(alive) < 0.3 and CLV > 500 EUR" holds for the scored customers it describes, in the backfill, the pass and the clock', async () => {
    const [likely, cheap, loyal, unscored] = [id('likely'), id('cheap'), id('loyal'), id('unscored')];
    for (const customerId of [likely, cheap, loyal, unscored]) await h.publish(purchase(customerId, '2026-06-01T10:00:00.000Z', 5_000));
    await h.settle();
    const score = (customerId: string, pAlive: number, clv12m: number) => ({
      customerId,
      frequency: 1,
      recency: 2,
      T: 10,
      pAlive,
      churnBand: pAlive < 0.4 ? ('high' as const) : ('low' as const),
      expected30d: 0.1,
      expected90d: 0.3,
      expected365d: 1.1,
      expectedAov: 5_000,
      clv12m,
      recommendations: [],
    });
    const fit = { fitId: randomUUID(), scoredAt: '2026-06-02T00:00:00.000Z', currency: 'EUR' };
    await savePredictions(t.db, [score(likely, 0.2, 80_000), score(cheap, 0.2, 10_000), score(loyal, 0.9, 90_000)], fit);
    const definition = {
      id: id('slipping'),
      name: 'Slipping away, worth keeping',
      conditions: { all: [{ field: 'pAlive', op: 'lt', value: 0.3 }, { field: 'clv', op: 'gt', value: 50_000 }, { field: 'churnBand', op: 'eq', value: 'high' }] },
    };
    const parsed = parseSegment(definition);
    if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors));
    const preview = await previewSegment(t.db, { ...parsed.segment, version: 1 }, [], new Date('2026-06-03T00:00:00.000Z'));
    expect(preview).toMatchObject({ count: 1, sample: [likely] });

    const slipping = await define(definition);
    const job = await startBackfill(t.db, slipping.id, slipping.version, randomUUID(), new Date('2026-06-03T00:00:00.000Z'));
    await runBackfill(h.store, job.jobId);
    const members = async () => new Set((await segmentMembers(t.db, slipping.id, '', 1000)).map((m) => m.customerId));
    const backfilled = await members();
    expect([likely, cheap, loyal, unscored].filter((c) => backfilled.has(c))).toEqual([likely]);

    // The pass reads the latest scores on the customer's next event.
    await savePredictions(t.db, [score(cheap, 0.25, 60_000)], fit);
    await h.publish(customerEvent('ProductViewed', { customerId: cheap }, '2026-06-04T10:00:00.000Z'));
    await h.settle();
    expect(memberOf((await h.customer(cheap))!.segments)).toContain(slipping.id);
    const entry = (await membershipEvents(cheap)).find((e) => (e.data as { segmentId: string }).segmentId === slipping.id)!;
    expect(entry.data).toMatchObject({ backfill: false });

    // New scores with the review due (what a prediction run does when a segment reads them): the clock judges on them.
    await savePredictions(t.db, [score(likely, 0.8, 80_000)], fit);
    await t.db.query(`UPDATE journey.customer_360 SET segment_review_at = $2 WHERE customer_id = $1`, [likely, '2026-06-05T00:00:00.000Z']);
    await h.projector.reviewSegments(new Date('2026-06-05T00:00:01.000Z'));
    await h.settle();
    expect(await members()).not.toContain(likely);
    expect(await members()).toContain(cheap);
    await SegmentStore.archive(t.db, slipping.id);
  });

  it('a customer forgotten while the pass is behind leaves every segment, once, when the pass folds CustomerForgotten', async () => {
    const twice = await define({ id: id('twice'), name: 'Bought twice in 90 days', conditions: { event: 'PurchaseCompleted', atLeast: 2, within: '90d' } });
    const customerId = id('c');
    const daysAgo = (days: number) => new Date(Date.now() - days * 86_400_000).toISOString();
    await h.publish(
      customerEvent('CustomerRegistered', { customerId }, daysAgo(10), { name: 'Ada', email: 'ada@example.com' }),
      purchase(customerId, daysAgo(5)),
      purchase(customerId, daysAgo(4)),
    );
    await h.settle();
    expect((await segmentMembers(t.db, twice.id, '', 100)).map((m) => m.customerId)).toEqual([customerId]);

    // The request comes while the pass is busy elsewhere (here: stopped), as under load.
    await h.projector.stop();
    try {
      const vault = await PiiVault.open(t.db, MASTER);
      await new ForgetCustomerHandler(t.db, h.store, vault, () => new Date()).execute(new ForgetCustomerCommand(customerId));
    } finally {
      h.start();
    }
    await h.settle();

    const customer = (await h.customer(customerId))!;
    expect({
      forgotten: customer.forgotten,
      member: customer.segments[twice.id]?.member,
      members: (await segmentMembers(t.db, twice.id, '', 100)).map((m) => m.customerId),
      size: (await segmentSizes(t.db, [twice.id])).get(twice.id),
      changes: (await membershipEvents(customerId)).filter((e) => (e.data as { segmentId: string }).segmentId === twice.id).map((e) => e.type),
    }).toEqual({ forgotten: true, member: false, members: [], size: 0, changes: ['SegmentEntered', 'SegmentExited'] });
  });

  it('a replay of the whole log folds the memberships recorded into the very 360 the live pass keeps', async () => {
    await h.settle();
    const report = await replayCheck(t.db, h.store, { lifecycle: h.options.lifecycle, batchSize: 500 });
    expect(report.first).toEqual([]);
    expect(report.ok).toBe(true);
  });

  it('after a rebuild, the clock still moves a membership that time alone changes', async () => {
    const recent = await define({ id: id('recent'), name: 'Bought in the last 30 days', conditions: { field: 'lastPurchaseAt', op: 'withinLast', value: '30d' } });
    const customerId = id('c');
    await h.publish(purchase(customerId, '2026-06-01T10:00:00.000Z'));
    await h.settle();
    expect(memberOf((await h.customer(customerId))!.segments)).toContain(recent.id);
    await rebuildCustomerProjection(t.db, h.store, { lifecycle: h.options.lifecycle, batchSize: 1000 });
    const rebuilt = (await h.customer(customerId))!;
    expect(memberOf(rebuilt.segments)).toContain(recent.id);
    // Due for the clock from the swap on; its next tick judges the customer and lets them go.
    expect(rebuilt.segmentReviewAt).not.toBeNull();
    await h.projector.reviewSegments(new Date(Date.parse(rebuilt.segmentReviewAt!) + 1000));
    await h.settle();
    expect(memberOf((await h.customer(customerId))!.segments)).not.toContain(recent.id);
    expect((await membershipEvents(customerId)).filter((e) => (e.data as { segmentId: string }).segmentId === recent.id).map((e) => e.type)).toEqual(['SegmentEntered', 'SegmentExited']);
    await SegmentStore.archive(t.db, recent.id);
  });
});

describeWithServer('segment definitions saved at once', () => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await createTestDatabase('postgres');
  });
  afterAll(() => t.drop());

  const save = (db: TestDatabase['db'], definition: Record<string, unknown>, create: boolean) =>
    db.transaction((tx) => SegmentStore.save(tx, definition, { create, ...(create ? {} : { id: definition.id as string }) }));

  it('cannot make a cycle: the later save checks what the earlier committed', async () => {
    await save(t.db, { id: 'a', name: 'A', conditions: { field: 'orders', op: 'gte', value: 1 } }, true);
    await save(t.db, { id: 'b', name: 'B', conditions: { field: 'orders', op: 'gte', value: 2 } }, true);
    const other = await t.open(2);
    let saved!: () => void;
    const firstSaved = new Promise<void>((resolve) => (saved = resolve));
    let release!: () => void;
    const mayCommit = new Promise<void>((resolve) => (release = resolve));
    const first = t.db.transaction(async (tx) => {
      await SegmentStore.save(tx, { id: 'a', name: 'A', conditions: { segment: 'b' } }, { create: false, id: 'a' });
      saved();
      await mayCommit;
    });
    await firstSaved;
    let settled = false;
    const second = save(other, { id: 'b', name: 'B', conditions: { segment: 'a' } }, false).finally(() => (settled = true));
    const refused = expect(second).rejects.toThrow(/cycle/);
    // The second save runs while the first is open: it either ends (checked against what is
    // committed, the cycle unseen) or waits for the first to end.
    const waiting = async () =>
      (await t.db.query<{ n: number }>("SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'")).rows[0]!.n > 0;
    await until(async () => (settled || (await waiting()) ? true : undefined), 60_000, 'the second save to end or wait');
    release();
    await first;
    await refused;
    expect((await SegmentStore.live(t.db)).map((segment) => segment.id)).toEqual(['b', 'a']);
  });
});

describeWithServer('a customer pass batch that rolls back', () => {
  let t: TestDatabase;
  let h: ProjectionHarness;
  beforeAll(async () => {
    t = await createTestDatabase('postgres');
    h = new ProjectionHarness(t.db);
  });
  afterAll(async () => {
    await h.close();
    await t.drop();
  });

  const pass = (events: Parameters<typeof projectBatch>[0], deciders: CustomerDecider[] = []) =>
    h.store.unitOfWork((unit) => projectBatch(events, unit, { tables: LIVE_TABLES, lifecycle: h.options.lifecycle, appendAfterCommit: unit.appendAfterCommit, deciders }));

  it('leaves in the log no membership change of its own: the clock deciding that change meanwhile is the one kept', async () => {
    const quiet = (await SegmentStore.save(t.db, { id: 'quiet', name: 'No opens in 30 days', conditions: { event: 'MessageOpened', atMost: 0, within: '30d' } }, { create: true })).record.segment;
    const customerId = id('c');
    await h.publish(customerEvent('MessageOpened', { customerId }, '2026-03-10T08:00:00.000Z'), customerEvent('ProductViewed', { customerId }, '2026-04-15T08:00:00.000Z'));
    const [opened, viewed] = await h.store.readStream(`customer-${customerId}`);
    await pass([opened!]);
    expect((await h.customer(customerId))!.segmentReviewAt).toBe('2026-04-09T00:00:00.000Z');
    // The view judges the customer past their review instant (an entry caused by the view), then its batch fails.
    const failing: CustomerDecider = { name: 'failing', begin: async () => ({ decide: () => undefined, flush: () => Promise.reject(new Error('the batch fails')) }) };
    await expect(pass([viewed!], [failing])).rejects.toThrow('the batch fails');
    // Meanwhile the clock enters the customer at the review instant; then the batch runs again.
    expect((await reviewSegments(h.store, new Date('2026-04-20T00:00:00.000Z'))).changes).toBe(1);
    await pass([viewed!]);
    const entered = (await h.store.readStream(`customer-${customerId}`)).filter((e) => e.type === 'SegmentEntered');
    expect(entered.map((e) => [e.occurredAt, (e.data as { causeTick?: string }).causeTick ?? null])).toEqual([['2026-04-09T00:00:00.000Z', '2026-04-09T00:00:00.000Z']]);
    expect((await h.customer(customerId))!.segments[quiet.id]).toMatchObject({ since: '2026-04-09T00:00:00.000Z' });
    expect((await t.db.query('SELECT refused FROM journey.derived_outbox')).rows).toEqual([]);
  });
});
