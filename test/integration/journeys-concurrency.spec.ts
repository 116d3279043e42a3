import { randomUUID } from 'node:crypto';
import { streamIdOf, type ActionChannel, type JourneyEvent } from '@journey/contracts';
import { DEFAULT_LIFECYCLE } from '@journey/domain';
import { PostgresEventStore } from '@journey/event-store/postgres';
import { DEFAULT_SAGA_SETTINGS, LogChannel, Saga, WebhookChannel, type Channel, type SagaSettings } from '@journey/journeys';
import { DEFAULT_PROJECTION_OPTIONS } from '@journey/platform';
import { Projector, type CustomerDecider } from '@journey/projections';
import { until } from '../support/until';
import { WebhookReceiver } from '../support/webhook-receiver';
import { createTestDatabase, describeWithServer, type TestDatabase } from '../support/test-database';

/**
 * The customer pass and the timers' tick both judge rules on a customer: a hold falling due while
 * a pass batch is judging the same customer must not be dispatched on a memory that lacks the
 * batch's own action, or a rule capped at one a day sends two.
 */
describeWithServer('the customer pass and the timers judging one customer at once', () => {
  let t: TestDatabase;
  let store: PostgresEventStore;
  let saga: Saga;
  let projector: Projector;
  const receiver = new WebhookReceiver();
  let now = new Date(Math.floor(Date.now() / 86_400_000) * 86_400_000 + 20 * 3_600_000); // 21:00 Berlin (winter) / 22:00 (summer)
  let gate: Promise<void> | undefined;
  let entered: () => void = () => undefined;
  let gatedEvent = '';

  beforeAll(async () => {
    t = await createTestDatabase('postgres');
    store = new PostgresEventStore(t.db);
    const clock = () => now;
    const settings: SagaSettings = { ...DEFAULT_SAGA_SETTINGS, lifecycle: DEFAULT_LIFECYCLE, rates: DEFAULT_PROJECTION_OPTIONS.rates, tickMs: 0, backoffMs: 10, maxAttempts: 3, deliveryTimeoutMs: 2000 };
    const channels = new Map<ActionChannel, Channel>([
      ['webhook', new WebhookChannel('s', 2000, clock)],
      ['log', new LogChannel({ info: () => undefined })],
    ]);
    saga = new Saga(t.db, store, settings, channels, clock);
    const inner = saga.decider();
    // The real rules decider; its batch pauses on one event, once it has loaded the customer's memory.
    const paused: CustomerDecider = {
      name: inner.name,
      heeds: () => inner.heeds(),
      stop: () => inner.stop(),
      async begin(unit, input) {
        const batch = await inner.begin(unit, input);
        if (gate && input.events.some((e) => e.eventId === gatedEvent)) {
          entered();
          await gate;
        }
        return batch;
      },
    };
    projector = new Projector(t.db, store, { ...DEFAULT_PROJECTION_OPTIONS, clockIntervalMs: 0, rfmIntervalMs: 0 }, clock, { deciders: [paused] });
    const base = await receiver.start();
    await saga.rules.save({
      id: 'nudge',
      name: 'Nudge',
      trigger: { event: 'ProductViewed' },
      action: { channel: 'webhook', target: `${base}/messages`, template: '{"to": "{{customer.customerId}}"}', params: {} },
      limits: { frequencyCap: { count: 1, per: '1d' }, quietHours: { start: '21:00', end: '08:00' } },
    });
    projector.start();
    await saga.start();
  });
  afterAll(async () => {
    await saga.stop();
    await projector.stop();
    await store.close();
    await receiver.stop();
    await t.drop();
  });

  const event = (type: string, customerId: string, data: Record<string, unknown>): JourneyEvent =>
    ({ eventId: randomUUID(), type, version: 1, customerId, occurredAt: now.toISOString(), source: 'test', data, metadata: {} }) as unknown as JourneyEvent;

  it('send one message under a cap of one a day: the tick waits for the batch and sees its action', async () => {
    const c = `c-${randomUUID().slice(0, 8)}`;
    await store.append(streamIdOf(event('CustomerRegistered', c, {})), [event('CustomerRegistered', c, { name: 'A', email: `${c}@example.com`, timezone: 'Europe/Berlin' })]);
    // Evening: a view is held for quiet hours.
    await store.append(`customer-${c}`, [event('ProductViewed', c, { sku: 'SKU-1', category: 'shoes', price: 100 })]);
    await projector.caughtUp();
    await saga.tick();
    expect(receiver.requests).toHaveLength(0);
    // Next morning the hold is due, and the customer views again.
    now = new Date(now.getTime() + 14 * 3_600_000);
    let release: () => void = () => undefined;
    gate = new Promise<void>((resolve) => (release = resolve));
    const inside = new Promise<void>((resolve) => (entered = resolve));
    const view = event('ProductViewed', c, { sku: 'SKU-2', category: 'shoes', price: 100 });
    gatedEvent = view.eventId;
    await store.append(`customer-${c}`, [view]);
    await inside;
    // The tick runs while the batch is open (it ends, or waits for the batch), then the batch goes on.
    let ticked = false;
    const tick = saga.tick().finally(() => (ticked = true));
    const waiting = async () =>
      (await t.db.query<{ n: number }>("SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'")).rows[0]!.n > 0;
    await until(async () => (ticked || (await waiting()) ? true : undefined), 60_000, 'the tick to end or wait');
    release();
    gate = undefined;
    await tick;
    await projector.caughtUp();
    await saga.tick();
    expect(receiver.requests.filter((request) => request.body.includes(c))).toHaveLength(1);
    // The batch dispatched the morning's view; the hold, judged after it, met the cap.
    const outcomes = (await store.readStream(`customer-${c}`)).filter((e) => e.type === 'ActionDispatched' || e.type === 'ActionSuppressed');
    expect(outcomes.map((e) => [e.type, (e.data as { triggerEventId: string }).triggerEventId, (e.data as { reason?: string }).reason ?? null])).toEqual([
      ['ActionSuppressed', expect.not.stringMatching(view.eventId), 'frequency_cap'],
      ['ActionDispatched', view.eventId, null],
    ]);
  });
});
