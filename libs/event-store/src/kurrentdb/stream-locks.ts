/**
 * Runs this process's appends to a stream one at a time, in the order they were made: a caller
 * queues on every stream it writes at the moment it calls (so it waits only for earlier callers,
 * and no two callers can wait for each other). Without it, concurrent callers on one stream would
 * race for the same revision and all but one plan again, round after round.
 */
export class StreamLocks {
  private readonly tails = new Map<string, Promise<void>>();

  run<T>(streamIds: readonly string[], work: () => Promise<T>): Promise<T> {
    const keys = [...new Set(streamIds)];
    let release!: () => void;
    const done = new Promise<void>((resolve) => (release = resolve));
    const earlier = keys.map((key) => this.tails.get(key));
    for (const key of keys) this.tails.set(key, done);
    const turn = Promise.all(earlier);
    return turn.then(work).finally(() => {
      release();
      for (const key of keys) if (this.tails.get(key) === done) this.tails.delete(key);
    });
  }

  /** Resolves once every append queued so far has finished. */
  async settled(): Promise<void> {
    await Promise.all([...this.tails.values()]);
  }
}
