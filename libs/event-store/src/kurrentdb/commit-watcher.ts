import { EventEmitter } from 'node:events';
import { END, excludeSystemEvents, type AllStreamSubscription, type KurrentDBClient } from '@kurrent/kurrentdb-client';

const RESTART_AFTER_MS = 1000;

/**
 * Tells listeners that events committed: at once for this process's appends, and for other
 * processes' through one live subscription to `$all` (from its end, system events left out),
 * opened while anyone listens. A wake-up only: readers still read after their own cursor, and
 * poll when the subscription is down.
 */
export class CommitWatcher {
  private readonly commits = new EventEmitter();
  private live: AllStreamSubscription | undefined;
  private restart: NodeJS.Timeout | undefined;
  private closed = false;

  constructor(private readonly client: KurrentDBClient) {
    this.commits.setMaxListeners(0);
  }

  onCommit(listener: () => void): () => void {
    this.commits.on('commit', listener);
    this.open();
    return () => {
      this.commits.off('commit', listener);
      if (this.commits.listenerCount('commit') === 0) void this.shut();
    };
  }

  /** This process committed events. */
  committed(): void {
    this.commits.emit('commit');
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.shut();
  }

  private open(): void {
    if (this.live || this.closed) return;
    const live = this.client.subscribeToAll({ fromPosition: END, filter: excludeSystemEvents() });
    this.live = live;
    live.on('data', () => this.commits.emit('commit'));
    live.on('error', () => {
      if (this.live !== live) return;
      this.live = undefined;
      if (this.closed || this.commits.listenerCount('commit') === 0) return;
      this.restart = setTimeout(() => {
        this.restart = undefined;
        if (this.commits.listenerCount('commit') > 0) this.open();
      }, RESTART_AFTER_MS);
      this.restart.unref();
    });
  }

  private async shut(): Promise<void> {
    clearTimeout(this.restart);
    this.restart = undefined;
    const live = this.live;
    this.live = undefined;
    await live?.unsubscribe().catch(() => undefined);
  }
}
