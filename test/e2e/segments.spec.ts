import { randomUUID } from 'node:crypto';
import { sampleEvent } from '../support/sample-events';
import { startEngine, type EngineUnderTest } from '../support/engine-app';
import { backends, createTestDatabase, type TestDatabase } from '../support/test-database';
import { until } from '../support/until';

const backend = backends()[0]!;

interface Problem {
  readonly errors: ReadonlyArray<{ readonly field: string; readonly reason: string }>;
}
interface Detail {
  readonly segments: readonly string[];
  readonly recentActivity: ReadonlyArray<{ readonly type: string; readonly data: Record<string, unknown> }>;
}

describe(`the segments API on ${backend}`, () => {
  let t: TestDatabase | undefined;
  let engine: EngineUnderTest;
  const run = randomUUID().slice(0, 8);
  const segmentId = `shoe-lovers-${run}`;
  const early = `r1-${run}`;
  const late = `r2-${run}`;
  const recent = (minutes: number) => new Date(Date.now() - minutes * 60_000).toISOString();
  const shoes = (customerId: string, minutes: number) =>
    sampleEvent('PurchaseCompleted', { customerId, occurredAt: recent(minutes), data: { orderId: `o-${randomUUID().slice(0, 6)}`, items: [{ sku: 'S-1', category: 'shoes', quantity: 1, unitPrice: 5000 }], total: 5000, currency: 'EUR' } });
  const segment = (overrides: Record<string, unknown> = {}) => ({
    id: segmentId,
    name: 'Bought shoes twice in 90 days',
    conditions: { event: 'PurchaseCompleted', where: { category: 'shoes' }, atLeast: 2, within: '90d' },
    ...overrides,
  });
  const request = (method: 'GET' | 'POST' | 'PUT' | 'DELETE', url: string, body?: unknown) => engine.request({ method, url, body });
  const detail = async (customerId: string) => (await request('GET', `/v1/customers/${customerId}`)).json() as unknown as Detail;
  const fields = async (url: string) => {
    const response = await request('GET', url);
    return [response.status, (response.json() as unknown as Problem).errors.map((e) => e.field)];
  };

  beforeAll(async () => {
    if (backend === 'postgres') t = await createTestDatabase('postgres', 4);
    engine = await startEngine(backend, t?.url, { JOURNEY_RATE_LIMITS: 'off' });
    // One customer qualifies before the segment exists: the backfill enters them.
    expect((await request('POST', '/v1/events', { events: [shoes(early, 30), shoes(early, 20)] })).status).toBe(202);
    await until(async () => ((await request('GET', `/v1/customers/${early}`)).status === 200 ? true : undefined), 120_000, 'the customer in the 360');
    // The stage changes the purchases derive are folded before the segment exists: folded after it, they
    // would judge the customer in the pass (entering them there) before the backfill could.
    const lag = async () => ((await request('GET', '/health')).json() as { lag?: Record<string, { events: number }> }).lag?.['projection:customer_360']?.events;
    await until(async () => ((await lag()) === 0 ? true : undefined), 120_000, 'the customer pass caught up');
  });
  afterAll(async () => {
    await engine.close();
    await t?.drop();
  });

  it('refuses an invalid definition naming each field and the reason', async () => {
    const invalid = await request('POST', '/v1/segments', segment({ conditions: { all: [{ event: 'PurchaseCompleted', where: { sku: 'x' }, within: '2h' }, { field: 'tier', op: 'eq', value: 'gold' }, { segment: 'nowhere' }] } }));
    expect(invalid.status).toBe(400);
    expect(invalid.headers['content-type']).toContain('application/problem+json');
    const fields = (invalid.json() as unknown as Problem).errors.map((e) => e.field);
    expect(fields).toEqual(expect.arrayContaining(['conditions.all[0].where.sku', 'conditions.all[0].within', 'conditions.all[0].atLeast', 'conditions.all[1].value']));
  });

  it('previews, creates with a backfill whose progress shows, then lists, pages, exports and charts the members', async () => {
    const preview = await request('POST', '/v1/segments/preview', segment());
    expect(preview.status).toBe(200);
    expect(preview.json()).toMatchObject({ count: 1, sample: [early] });

    const rule = {
      id: `welcome-shoes-${run}`,
      name: 'Welcome to shoe lovers',
      trigger: { event: 'SegmentEntered', where: { path: 'event.data.segmentId', op: 'eq', value: segmentId } },
      conditions: { path: 'customer.segments', op: 'contains', value: segmentId },
      action: { channel: 'log', target: 'shoes', template: 'Welcome {{customer.customerId}}', params: {} },
    };
    expect((await request('POST', '/v1/rules', rule)).status).toBe(201);

    const created = await request('POST', '/v1/segments', segment());
    expect(created.status).toBe(201);
    const job = (created.json() as { job: { jobId: string } }).job;
    const done = await until(async () => {
      const progress = (await request('GET', `/v1/segments/${segmentId}/jobs/${job.jobId}`)).json() as { status: string; done: number; total: number; entered: number };
      return progress.status === 'done' ? progress : undefined;
    }, 120_000, 'the backfill done');
    expect(done).toMatchObject({ done: done.total, entered: 1 });
    await until(async () => ((await detail(early)).segments.includes(segmentId) ? true : undefined), 60_000, 'the backfilled member in the 360');

    // A live entry: the second purchase enters the customer in the pass that folds it, and the rule fires.
    await request('POST', '/v1/events', { events: [shoes(late, 10), shoes(late, 5)] });
    const entered = await until(async () => {
      const d = await detail(late);
      return d.segments?.includes(segmentId) && d.recentActivity.some((e) => e.type === 'ActionDispatched') ? d : undefined;
    }, 120_000, 'the live entry and the rule action');
    const entry = entered.recentActivity.find((e) => e.type === 'SegmentEntered')!;
    expect(entry.data).toMatchObject({ segmentId, segmentVersion: 1, change: 1, backfill: false });
    // The backfill's entry did not trigger the rule.
    expect((await detail(early)).recentActivity.some((e) => e.type.startsWith('Action'))).toBe(false);

    const list = (await request('GET', '/v1/segments')).json() as { segments: Array<{ id: string; size: number }> };
    expect(list.segments.find((s) => s.id === segmentId)).toMatchObject({ size: 2 });
    const page = (await request('GET', `/v1/segments/${segmentId}/members?limit=1`)).json() as { members: Array<{ customerId: string; backfill: boolean }>; next: string };
    expect(page.members).toEqual([expect.objectContaining({ customerId: early, backfill: true })]);
    const rest = (await request('GET', `/v1/segments/${segmentId}/members?limit=1&after=${page.next}`)).json() as { members: Array<{ customerId: string }> };
    expect(rest.members.map((m) => m.customerId)).toEqual([late]);
    const csv = await request('GET', `/v1/segments/${segmentId}/members.csv`);
    expect(csv.body.trim().split('\n')).toHaveLength(3);
    // An entry counts on the day of the instant it was decided at (the live one: its purchase, minutes
    // ago): around midnight the two entries fall on two days, so the range starts before the events.
    const today = new Date().toISOString().slice(0, 10);
    const since = recent(120).slice(0, 10);
    const history = (await request('GET', `/v1/segments/${segmentId}/history?from=${since}&to=${today}`)).json() as { days: Array<{ day: string; size: number; entered: number }> };
    expect(history.days.at(-1)).toMatchObject({ day: today, size: 2 });
    expect(history.days.reduce((sum, day) => sum + day.entered, 0)).toBe(2);
    const flows = (await request('GET', `/v1/segments/flows?from=${since}&to=${today}`)).json() as { segments: Array<{ segmentId: string; entered: number }> };
    expect(flows.segments.find((s) => s.segmentId === segmentId)).toMatchObject({ entered: 2, exited: 0 });
  });

  it('refuses a history or flows period naming a day the calendar has not, naming the bound', async () => {
    expect(await fields('/v1/segments/flows?from=2026-02-30&to=2026-03-05')).toEqual([400, ['from']]);
    expect(await fields(`/v1/segments/${segmentId}/history?from=2026-02-29&to=2026-03-05`)).toEqual([400, ['from']]);
    expect(await fields(`/v1/segments/${segmentId}/history?from=2026-04-01&to=2026-04-31`)).toEqual([400, ['to']]);
    expect(await fields(`/v1/segments/${segmentId}/history?from=2026-04-01&from=2026-04-02`)).toEqual([400, ['from']]);
  });

  it('refuses a members cursor that is not the `next` of a page, naming after', async () => {
    expect(await fields(`/v1/segments/${segmentId}/members?after=${early}&after=${late}`)).toEqual([400, ['after']]);
    expect(await fields(`/v1/segments/${segmentId}/members?after=%20${early}`)).toEqual([400, ['after']]);
    expect(await fields(`/v1/segments/${segmentId}/members?after=${'x'.repeat(200)}&limit=0`)).toEqual([400, ['after', 'limit']]);
    expect((await request('GET', `/v1/segments/${segmentId}/members?after=${early}`)).json()).toMatchObject({ members: [expect.objectContaining({ customerId: late })] });
  });

  it('archives a segment: its members exit, marked as the job that let them go', async () => {
    const archived = await request('DELETE', `/v1/segments/${segmentId}`);
    expect(archived.status).toBe(200);
    const job = (archived.json() as { job: { jobId: string } }).job;
    await until(async () => (((await request('GET', `/v1/segments/${segmentId}/jobs/${job.jobId}`)).json() as { status: string }).status === 'done' ? true : undefined), 120_000, 'the archive job');
    expect((await detail(late)).segments).toEqual([]);
    expect((await request('GET', '/v1/segments')).json()).toMatchObject({ segments: expect.not.arrayContaining([expect.objectContaining({ id: segmentId })]) });
    expect((await request('GET', `/v1/segments/nothing-${run}`)).status).toBe(404);
  });
});
