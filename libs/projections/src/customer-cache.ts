import type { Customer360 } from '@journey/domain';

/** An entry older than this is not trusted: far too young for a 32-bit transaction id to come round again. */
const MAX_AGE_MS = 10 * 60_000;

interface Entry {
  /** The row's xmin when this state was read from it or written into it. */
  readonly version: string;
  readonly state: Customer360;
  readonly at: number;
}

/**
 * The customers the pass last read or wrote, each with the version of its row (PostgreSQL's
 * xmin: the transaction that wrote that row version), so that a batch over customers it has just
 * folded locks their rows and reads back only that version rather than the whole row. A state is
 * used only while its row still carries the version it was cached under: any other writer (the
 * clock, the RFM and prediction jobs, a backfill, a forget, another process holding the partition
 * for a while, a rebuild's new table) writes a new version, and a batch that rolled back leaves the
 * row at its former version while the entry names the aborted transaction; either way the row is
 * read again. The fold never changes a state in place, so a cached state is the row as it was.
 * Bounded, least recently used first out.
 */
export class CustomerCache {
  private readonly entries = new Map<string, Entry>();

  constructor(
    readonly capacity: number,
    private readonly now: () => number = Date.now,
  ) {}

  get size(): number {
    return this.entries.size;
  }

  /** How many of `ids` have an entry (of any version). */
  known(ids: readonly string[]): number {
    let count = 0;
    for (const id of ids) if (this.entries.has(id)) count += 1;
    return count;
  }

  /** The state cached for the customer at exactly this row version, if any. */
  get(customerId: string, version: string): Customer360 | undefined {
    const entry = this.entries.get(customerId);
    if (!entry) return undefined;
    if (entry.version !== version || this.now() - entry.at > MAX_AGE_MS) {
      this.entries.delete(customerId);
      return undefined;
    }
    // Most recently used last: the first entries are the first out.
    this.entries.delete(customerId);
    this.entries.set(customerId, entry);
    return entry.state;
  }

  set(customerId: string, version: string, state: Customer360): void {
    if (this.capacity <= 0) return;
    this.entries.delete(customerId);
    this.entries.set(customerId, { version, state, at: this.now() });
    while (this.entries.size > this.capacity) this.entries.delete(this.entries.keys().next().value as string);
  }

  clear(): void {
    this.entries.clear();
  }
}
