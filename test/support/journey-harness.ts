import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { streamIdOf, type ActionChannel, type EventType, type JourneyEvent } from '@journey/contracts';
import { DEFAULT_LIFECYCLE, inHoldout } from '@journey/domain';
import { PostgresEventStore } from '@journey/event-store/postgres';
import { type Database } from '@journey/database';
import { DEFAULT_SAGA_SETTINGS, LogChannel, Saga, WebhookChannel, type Channel, type SagaSettings } from '@journey/journeys';
import { DEFAULT_PROJECTION_OPTIONS } from '@journey/platform';
import { Projector } from '@journey/projections';
import { SAMPLE_DATA } from './sample-events';
import { WebhookReceiver } from './webhook-receiver';

export const WEBHOOK_SECRET = 'test-secret';
const RULES_DIR = join(__dirname, '..', '..', 'infra', 'rules');

/** The example rules of infra/rules, templates inlined, webhooks pointed at `baseUrl`. */
export function exampleRules(baseUrl: string): Array<Record<string, unknown>> {
  const rules = JSON.parse(readFileSync(join(RULES_DIR, 'rules.json'), 'utf8')) as Array<Record<string, unknown>>;
  return rules.map((rule) => {
    const { templateFile, ...action } = rule.action as Record<string, unknown>;
    return {
      ...rule,
      action: {
        ...action,
        target: String(action.target).replace('http://127.0.0.1:4000', baseUrl),
        template: readFileSync(join(RULES_DIR, String(templateFile)), 'utf8'),
      },
    };
  });
}

/** Store, customer pass (rules judged) and saga on a test database, with a clock the test moves and a real receiver. */
export class JourneyHarness {
  readonly store: PostgresEventStore;
  readonly projector: Projector;
  readonly saga: Saga;
  readonly receiver = new WebhookReceiver();
  now = new Date(Math.floor(Date.now() / 60_000) * 60_000);
  baseUrl = '';
  readonly settings: SagaSettings;

  constructor(
    readonly db: Database,
    settings: Partial<SagaSettings> = {},
  ) {
    this.store = new PostgresEventStore(db);
    const clock = () => this.now;
    const full: SagaSettings = {
      ...DEFAULT_SAGA_SETTINGS,
      lifecycle: DEFAULT_LIFECYCLE,
      rates: DEFAULT_PROJECTION_OPTIONS.rates,
      backoffMs: 10,
      maxAttempts: 3,
      deliveryTimeoutMs: 2000,
      tickMs: 0,
      ...settings,
    };
    const channels = new Map<ActionChannel, Channel>([
      ['webhook', new WebhookChannel(WEBHOOK_SECRET, full.deliveryTimeoutMs, clock)],
      ['log', new LogChannel({ info: () => undefined })],
    ]);
    this.settings = full;
    this.saga = new Saga(db, this.store, full, channels, clock);
    this.projector = new Projector(db, this.store, { ...DEFAULT_PROJECTION_OPTIONS, clockIntervalMs: 0, rfmIntervalMs: 0 }, clock, {
      deciders: [this.saga.decider()],
    });
  }

  async start(rules: Array<Record<string, unknown>> = []): Promise<void> {
    this.baseUrl = await this.receiver.start();
    for (const rule of rules) await this.saga.rules.save(rule);
    this.projector.start();
    await this.saga.start();
  }

  async close(): Promise<void> {
    await this.saga.stop();
    await this.projector.stop();
    await this.store.close();
    await this.receiver.stop();
  }

  /** Appends events in order; each stream's events in one call. */
  async publish(...events: JourneyEvent[]): Promise<void> {
    for (const event of events) await this.store.append(streamIdOf(event), [event]);
  }

  /** Lets the customer pass handle everything, then fires due timers and delivers. */
  async settle(): Promise<void> {
    for (let round = 0; round < 3; round++) {
      await this.projector.caughtUp();
      await this.saga.tick();
    }
  }

  advance(ms: number): void {
    this.now = new Date(this.now.getTime() + ms);
  }

  event<T extends EventType>(type: T, customerId: string, data: Record<string, unknown> = SAMPLE_DATA[type], at = this.now): JourneyEvent {
    return { eventId: randomUUID(), type, version: 1, customerId, occurredAt: at.toISOString(), source: 'test', data: structuredClone(data), metadata: {} } as JourneyEvent;
  }

  /** A registered customer with e-mail consent for marketing and surveys (Berlin time, a birthday). */
  async customer(options: { birthday?: string; consent?: boolean; timezone?: string; notInHoldoutOf?: string[] } = {}): Promise<string> {
    let id = `c-${randomUUID().slice(0, 8)}`;
    while ((options.notInHoldoutOf ?? ['welcome', 'win-back']).some((rule) => inHoldout(rule, id, 10))) id = `c-${randomUUID().slice(0, 8)}`;
    const events = [
      this.event('CustomerRegistered', id, {
        name: 'Ada Lovelace',
        email: `${id}@example.com`,
        timezone: options.timezone ?? 'Europe/Berlin',
        ...(options.birthday ? {} : {}),
      }),
    ];
    if (options.birthday) events.push(this.event('CustomerProfileUpdated', id, { birthday: options.birthday }));
    if (options.consent !== false) {
      events.push(this.event('ConsentChanged', id, { channel: 'email', purpose: 'marketing', granted: true }));
      events.push(this.event('ConsentChanged', id, { channel: 'email', purpose: 'surveys', granted: true }));
    }
    await this.publish(...events);
    return id;
  }

  purchase(customerId: string, total = 5000): JourneyEvent {
    return this.event('PurchaseCompleted', customerId, {
      orderId: `o-${randomUUID().slice(0, 8)}`,
      items: [{ sku: 'SKU-1', category: 'shoes', quantity: 1, unitPrice: total }],
      total,
      currency: 'EUR',
    });
  }

  tier(customerId: string, to: 'high' | 'medium' | 'low'): JourneyEvent {
    return this.event('ValueTierChanged', customerId, { from: null, to, rfm: { recency: 5, frequency: 5, monetary: 5 }, segment: 'Champions' });
  }

  async eventsOf(customerId: string, type: EventType): Promise<JourneyEvent[]> {
    return (await this.store.readStream(`customer-${customerId}`)).filter((e) => e.type === type);
  }

  /** The webhook requests about one customer (bodies name them by e-mail or id). */
  about(customerId: string, path = '/messages') {
    return this.receiver.to(path).filter((r) => r.body.includes(customerId));
  }
}
