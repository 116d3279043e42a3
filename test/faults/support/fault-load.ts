import { randomInt, randomUUID } from 'node:crypto';
import { SAMPLE_DATA, sampleEvent, type SampleEnvelope } from '../../support/sample-events';

export interface LoadTarget {
  readonly url: string;
  headers(json?: boolean): Record<string, string>;
}

/**
 * Clients of an engine under faults: writers that post single events and small batches (personal
 * data, purchases, page views, and searches that fire an action each), and readers of the 360 and
 * of /health. It records every status answered, what was acknowledged and what was only tried.
 */
export class FaultLoad {
  /** Events answered 2xx. */
  readonly acked = new Map<string, SampleEnvelope>();
  /** Every event sent, answered or not. */
  readonly attempted = new Map<string, SampleEnvelope>();
  /** Count of each status by route ("POST /v1/events 503"), and of requests that got no answer. */
  readonly statuses = new Map<string, number>();
  private stopped = false;
  private running: Promise<void> | undefined;
  private readonly customers: string[];

  constructor(
    private readonly target: LoadTarget,
    customers = 40,
  ) {
    this.customers = Array.from({ length: customers }, (_, i) => `fault-${i}-${randomUUID().slice(0, 6)}`);
  }

  start(writers = 4, readers = 2): void {
    this.stopped = false;
    this.running = Promise.all([
      ...Array.from({ length: writers }, () => this.write()),
      ...Array.from({ length: readers }, () => this.read()),
    ]).then(() => undefined);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.running;
  }

  /** How many answers had a status of 500 or more other than 503, and how many got none. */
  get broken(): { readonly serverErrors: number; readonly unanswered: number } {
    let serverErrors = 0;
    let unanswered = 0;
    for (const [key, count] of this.statuses) {
      const status = key.split(' ').at(-1)!;
      if (status === 'none') unanswered += count;
      else if (Number(status) >= 500 && Number(status) !== 503) serverErrors += count;
    }
    return { serverErrors, unanswered };
  }

  count(route: string, status: number | 'none'): number {
    return this.statuses.get(`${route} ${status}`) ?? 0;
  }

  /** Posts `events` (one alone, or a batch), recording the answer. */
  async post(events: readonly SampleEnvelope[]): Promise<number | undefined> {
    for (const event of events) this.attempted.set(event.eventId, event);
    const status = await this.request('POST /v1/events', '/v1/events', {
      method: 'POST',
      headers: this.target.headers(true),
      body: JSON.stringify(events.length === 1 ? events[0] : { events }),
    });
    if (status !== undefined && status >= 200 && status < 300) for (const event of events) this.acked.set(event.eventId, event);
    return status;
  }

  /** Sends a GET, recording the answer; the status, or undefined when none came. */
  async get(route: string, path: string): Promise<number | undefined> {
    return this.request(`GET ${route}`, path, { headers: this.target.headers() });
  }

  private async write(): Promise<void> {
    while (!this.stopped) {
      const size = randomInt(4) === 0 ? 2 + randomInt(10) : 1;
      await this.post(Array.from({ length: size }, () => this.nextEvent()));
    }
  }

  private async read(): Promise<void> {
    while (!this.stopped) {
      await this.get('/v1/customers/{id}', `/v1/customers/${this.customers[randomInt(this.customers.length)]}`);
      await this.get('/health', '/health');
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  private nextEvent(): SampleEnvelope {
    const occurredAt = new Date().toISOString();
    const customerId = this.customers[randomInt(this.customers.length)]!;
    switch (randomInt(5)) {
      case 0:
        return sampleEvent('CustomerRegistered', { customerId, occurredAt, data: { ...SAMPLE_DATA.CustomerRegistered, name: `Name ${customerId}`, email: `${customerId}@example.com` } });
      case 1:
        return sampleEvent('PurchaseCompleted', { customerId, occurredAt });
      case 2:
        // A customer of its own: no cap or gate holds its action back.
        return sampleEvent('SearchPerformed', { customerId: `search-${randomUUID()}`, occurredAt });
      default:
        return sampleEvent('PageViewed', { customerId, occurredAt });
    }
  }

  private async request(key: string, path: string, init: RequestInit): Promise<number | undefined> {
    let status: number | 'none' = 'none';
    try {
      const response = await fetch(`${this.target.url}${path}`, { ...init, signal: AbortSignal.timeout(120_000) });
      await response.arrayBuffer();
      status = response.status;
    } catch {
      // No answer at all: counted as such.
    }
    this.statuses.set(`${key} ${status}`, (this.statuses.get(`${key} ${status}`) ?? 0) + 1);
    return status === 'none' ? undefined : status;
  }
}
