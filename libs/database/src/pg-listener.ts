import { Client, escapeIdentifier } from 'pg';

/** Backoff between attempts to listen again: 0.5 s doubling to 15 s. */
const FIRST_RETRY_MS = 500;
const LAST_RETRY_MS = 15_000;

export interface PgListenerOptions {
  readonly url: string;
  readonly channel: string;
  readonly onNotify: (payload: string) => void;
  /** Runs each time listening resumes after a lost connection: notifications meanwhile are lost. */
  readonly onResume?: () => void;
}

/**
 * One LISTEN connection that outlives the server: when its connection drops (a restart, a
 * terminated backend, a network cut) it connects again with backoff, for as long as it is open,
 * and says so through `onResume`. Its errors never reach the process as unhandled events.
 */
export class PgListener {
  private client: Client | undefined;
  private retry: NodeJS.Timeout | undefined;
  private attempts = 0;
  private closed = false;

  constructor(private readonly options: PgListenerOptions) {}

  /** Listens; rejects when the first connection fails (the caller decides whether to go on). */
  async open(): Promise<void> {
    await this.connect();
  }

  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.retry);
    const client = this.client;
    this.client = undefined;
    await client?.end().catch(() => undefined);
  }

  private async connect(): Promise<void> {
    const next = new Client({ connectionString: this.options.url, application_name: 'journey-listen' });
    let listening = false;
    let lost = false;
    const onLost = (): void => {
      if (lost) return;
      lost = true;
      if (this.client === next) this.client = undefined;
      void next.end().catch(() => undefined);
      // Before LISTEN succeeded, the failure is the caller's to handle (connect rejects).
      if (listening) this.reconnectLater();
    };
    next.on('error', onLost);
    next.on('end', onLost);
    next.on('notification', (message) => {
      if (message.channel === this.options.channel) this.options.onNotify(message.payload ?? '');
    });
    try {
      await next.connect();
      await next.query(`LISTEN ${escapeIdentifier(this.options.channel)}`);
    } catch (error) {
      onLost();
      throw error;
    }
    if (this.closed || lost) {
      onLost();
      if (lost && !this.closed) throw new Error(`the LISTEN connection for ${this.options.channel} dropped as it opened`);
      return;
    }
    listening = true;
    this.client = next;
    this.attempts = 0;
  }

  private reconnectLater(): void {
    if (this.closed) return;
    const wait = Math.min(LAST_RETRY_MS, FIRST_RETRY_MS * 2 ** this.attempts);
    this.attempts += 1;
    this.retry = setTimeout(() => {
      this.connect().then(
        () => {
          if (!this.closed) this.options.onResume?.();
        },
        () => this.reconnectLater(),
      );
    }, wait);
  }
}
