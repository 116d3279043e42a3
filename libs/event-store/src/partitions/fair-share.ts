/**
 * How many of `count` partitions the member at `rank` (0-based, in the sorted list of live
 * members) should hold: the shares differ by at most one and add up to `count`.
 */
export function fairShare(count: number, members: number, rank: number): number {
  if (members <= 0 || rank < 0 || rank >= members) return 0;
  return Math.floor(count / members) + (rank < count % members ? 1 : 0);
}

export interface LeasePlan {
  /** Partitions to give back (the highest numbers first), when holding more than the share. */
  readonly release: readonly number[];
  /** How many free partitions to take, when holding fewer than the share. */
  readonly take: number;
}

/** What a member does on a tick, given what it holds and its share. */
export function planLeases(held: readonly number[], share: number): LeasePlan {
  if (held.length > share) return { release: [...held].sort((a, b) => b - a).slice(0, held.length - share), take: 0 };
  return { release: [], take: share - held.length };
}
