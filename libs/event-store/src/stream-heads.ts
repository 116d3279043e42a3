/** The version a stream is at and the hash (hex) its next event chains from. */
export interface StreamHead {
  readonly version: number;
  readonly hash: string | null;
}

export const NEW_STREAM: StreamHead = { version: 0, hash: null };

/**
 * The heads this process last saw committed, most recently written last (every append rewrites
 * its streams' heads, so the oldest entries are the streams not written for longest). Versions
 * only grow, so a cached head may be behind the database but never ahead of it; the append
 * statement checks.
 */
export class StreamHeadCache {
  private readonly heads = new Map<string, StreamHead>();

  constructor(private readonly capacity = 100_000) {}

  get(streamId: string): StreamHead | undefined {
    return this.heads.get(streamId);
  }

  set(streamId: string, head: StreamHead): void {
    this.heads.delete(streamId);
    this.heads.set(streamId, head);
    if (this.heads.size > this.capacity) {
      const oldest = this.heads.keys().next().value as string;
      this.heads.delete(oldest);
    }
  }

  /**
   * A committed event seen in the log (a subscription's read): its stream is at least at that
   * head. Kept only when it is ahead of what is cached, so the cache never moves back.
   */
  observe(streamId: string, version: number, hash: Uint8Array): void {
    const known = this.heads.get(streamId);
    if (known === undefined || known.version < version) {
      this.set(streamId, { version, hash: Buffer.from(hash.buffer, hash.byteOffset, hash.byteLength).toString('hex') });
    }
  }

  forget(streamId: string): void {
    this.heads.delete(streamId);
  }
}
