import { randomInt } from 'node:crypto';
import type { EventType } from '@journey/contracts';
import { sampleEvent, type SampleEnvelope } from '../../support/sample-events';

export interface Sent {
  readonly event: SampleEnvelope;
  readonly streamId: string;
}

export interface PacedLoadOptions {
  readonly eventsPerSecond: number;
  /** Events per request (the batch route). */
  readonly batch: number;
  readonly customers: readonly string[];
  /** The types sent, picked at random for each event. */
  readonly types: readonly EventType[];
  /** Requests in flight at most; a tick finding them all busy sends nothing (the rate is a ceiling). */
  readonly inFlight?: number;
}

/**
 * Posts events at a steady rate, in batches, keeping what was attempted and what was
 * acknowledged with a 2xx. A request that fails (the engine died, 429, 503) leaves its events
 * attempted but not acknowledged, as a client that will retry them would.
 */
export class PacedLoad {
  readonly attempted = new Map<string, Sent>();
  readonly acked = new Map<string, Sent>();
  readonly statuses = new Map<number | 'error', number>();
  private timer: NodeJS.Timeout | undefined;
  private busy = 0;
  private readonly pending = new Set<Promise<void>>();
  private owed = 0;

  constructor(
    private readonly target: () => { url: string; headers: Record<string, string> },
    private readonly options: PacedLoadOptions,
  ) {}

  start(): void {
    const tickMs = 100;
    this.timer = setInterval(() => {
      this.owed += (this.options.eventsPerSecond * tickMs) / 1000;
      while (this.owed >= this.options.batch && this.busy < (this.options.inFlight ?? 8)) {
        this.owed -= this.options.batch;
        this.send();
      }
      // Behind by more than a second: what could not be sent is dropped, not bunched.
      this.owed = Math.min(this.owed, this.options.eventsPerSecond);
    }, tickMs);
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await Promise.all(this.pending);
  }

  private send(): void {
    const batch = Array.from({ length: this.options.batch }, () => {
      const customerId = this.options.customers[randomInt(this.options.customers.length)]!;
      const type = this.options.types[randomInt(this.options.types.length)]!;
      const event = sampleEvent(type, { customerId, occurredAt: new Date().toISOString() });
      return { event, streamId: `customer-${customerId}` };
    });
    for (const sent of batch) this.attempted.set(sent.event.eventId, sent);
    this.busy++;
    const { url, headers } = this.target();
    const request = fetch(`${url}/v1/events`, {
      method: 'POST',
      headers: { ...headers, 'content-type': 'application/json' },
      body: JSON.stringify({ events: batch.map((sent) => sent.event) }),
      signal: AbortSignal.timeout(60_000),
    })
      .then(async (response) => {
        await response.text();
        this.count(response.status);
        if (response.status === 202) for (const sent of batch) this.acked.set(sent.event.eventId, sent);
      })
      .catch(() => this.count('error'))
      .finally(() => {
        this.busy--;
        this.pending.delete(request);
      });
    this.pending.add(request);
  }

  private count(status: number | 'error'): void {
    this.statuses.set(status, (this.statuses.get(status) ?? 0) + 1);
  }
}
