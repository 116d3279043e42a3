import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { Database, Queryable } from '@journey/database';
import { fairShare, planLeases } from '../partitions/fair-share';
import type { PartitionLeaseOptions, PartitionLeases, PartitionLeaseStatus } from '../event-store.port';

/** A lease is written for this part of the lease period, and renewed four times per period. */
const LEASE_SHARE = 0.75;
const TICKS_PER_LEASE = 4;

export class PartitionCountChanged extends Error {
  readonly type = 'partition-count-changed' as const;
}

/**
 * Partition leases in PostgreSQL (journey.partition_leases, journey.lease_members). Each tick a
 * process renews its membership and its leases, gives back what exceeds its fair share (shares
 * follow the sorted list of live members, so every process computes the same split), takes free
 * partitions up to its share, and takes lapsed leases of a crashed process whatever its share.
 * Leases are written for three quarters of the lease period and renewed every quarter: a crashed
 * process's partitions are taken within one lease period of its last renewal. Times are the
 * database's clock, so the processes' clocks need not agree.
 */
export class PostgresPartitionLeases implements PartitionLeases<Queryable> {
  readonly member: string;
  readonly count: number;
  private held = new Set<number>();
  private members = 0;
  private readonly listeners = new Set<() => void>();
  private timer: NodeJS.Timeout | undefined;
  private ticking: Promise<void> | undefined;
  private stopped = false;

  constructor(
    private readonly db: Database,
    readonly group: string,
    private readonly options: PartitionLeaseOptions,
  ) {
    this.count = options.count;
    this.member = options.member ?? `${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`;
  }

  owned(): ReadonlySet<number> {
    return this.held;
  }

  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  status(): PartitionLeaseStatus {
    return { group: this.group, member: this.member, count: this.count, owned: [...this.held].sort((a, b) => a - b), members: this.members };
  }

  /** Joins the group and takes a share; once started, starting again changes nothing until stop(). */
  async start(): Promise<void> {
    if (this.timer) return;
    await this.db.transaction(async (tx) => {
      const { rows } = await tx.query<{ partitions: number; live: number }>(
        `SELECT partitions, count(*) FILTER (WHERE owner IS NOT NULL AND lease_until > clock_timestamp())::int AS live
         FROM journey.partition_leases WHERE grp = $1 AND partitions <> $2 GROUP BY partitions`,
        [this.group, this.count],
      );
      const other = rows[0];
      if (other && Number(other.live) > 0) {
        throw new PartitionCountChanged(
          `JOURNEY_PARTITIONS is ${this.count}, but ${this.group} is split into ${Number(other.partitions)} partitions by processes still running: ` +
            'stop them all before changing the count',
        );
      }
      // No process holds the former split any more: the subscriptions re-split their checkpoints.
      if (other) await tx.query('DELETE FROM journey.partition_leases WHERE grp = $1 AND partitions <> $2', [this.group, this.count]);
      await tx.query(
        `INSERT INTO journey.partition_leases (grp, partition, partitions)
         SELECT $1, p, $2 FROM generate_series(0, $2 - 1) AS p ON CONFLICT (grp, partition) DO NOTHING`,
        [this.group, this.count],
      );
    });
    this.stopped = false;
    await this.tick();
    this.timer = setInterval(() => void this.tickSafely(), Math.max(50, Math.floor(this.options.leaseMs / TICKS_PER_LEASE)));
  }

  /**
   * Inside a batch's transaction: the leases are still this process's, and stay so until it
   * commits. Every statement names the partition count, so a process paused past its leases while
   * the group was restarted with another count cannot take, renew or fold under the new split.
   */
  async holds(tx: Queryable, partitions: readonly number[]): Promise<boolean> {
    if (partitions.length === 0) return true;
    const { rows } = await tx.query<{ partition: number }>(
      `SELECT partition FROM journey.partition_leases
       WHERE grp = $1 AND owner = $2 AND partition = ANY($3::int[]) AND partitions = $4 AND lease_until > clock_timestamp()
       FOR SHARE`,
      [this.group, this.member, partitions, this.count],
    );
    return rows.length === new Set(partitions).size;
  }

  /** Renews, gives back, takes: one round of the protocol (the timer runs it; tests call it). */
  async tick(): Promise<void> {
    if (this.stopped) return;
    const leaseMs = Math.floor(this.options.leaseMs * LEASE_SHARE);
    const { rows: live } = await this.db.query<{ member: string }>(
      `WITH beat AS (
         INSERT INTO journey.lease_members (grp, member, seen_until)
         VALUES ($1, $2, clock_timestamp() + $3 * interval '1 millisecond')
         ON CONFLICT (grp, member) DO UPDATE SET seen_until = EXCLUDED.seen_until
         RETURNING member)
       SELECT member FROM journey.lease_members WHERE grp = $1 AND seen_until > clock_timestamp() AND member <> $2
       UNION ALL SELECT member FROM beat
       ORDER BY member`,
      [this.group, this.member, leaseMs],
    );
    await this.db.query('DELETE FROM journey.lease_members WHERE grp = $1 AND seen_until < clock_timestamp() - interval \'1 hour\'', [this.group]);
    this.members = live.length;
    const share = fairShare(this.count, live.length, live.findIndex((row) => row.member === this.member));

    const renewed = await this.partitions(
      `UPDATE journey.partition_leases SET lease_until = clock_timestamp() + $3 * interval '1 millisecond'
       WHERE grp = $1 AND owner = $2 AND partitions = $4 RETURNING partition`,
      [this.group, this.member, leaseMs, this.count],
    );
    const plan = planLeases(renewed, share);
    let held = renewed.filter((p) => !plan.release.includes(p));
    if (plan.release.length > 0) {
      // Stop reading them first; the UPDATE then waits for a batch of them still in flight.
      this.publish(held);
      await this.db.query(
        `UPDATE journey.partition_leases SET owner = NULL, lease_until = '-infinity'
         WHERE grp = $1 AND owner = $2 AND partition = ANY($3::int[])`,
        [this.group, this.member, plan.release],
      );
    }
    // Free partitions up to the share; a crashed process's lapsed leases whatever the share.
    const taken = await this.partitions(
      `UPDATE journey.partition_leases l SET owner = $2, lease_until = clock_timestamp() + $3 * interval '1 millisecond'
       WHERE l.grp = $1 AND l.partitions = $5 AND l.partition IN (
         SELECT partition FROM journey.partition_leases
         WHERE grp = $1 AND partitions = $5 AND lease_until < clock_timestamp() AND owner IS NOT NULL AND owner <> $2
         UNION ALL
         (SELECT partition FROM journey.partition_leases
          WHERE grp = $1 AND partitions = $5 AND owner IS NULL
          ORDER BY partition LIMIT $4))
       AND l.lease_until < clock_timestamp()
       RETURNING l.partition`,
      [this.group, this.member, leaseMs, plan.take, this.count],
    );
    held = [...held, ...taken];
    this.publish(held);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    this.timer = undefined;
    await this.ticking;
    this.publish([]);
    await this.db.query(
      `UPDATE journey.partition_leases SET owner = NULL, lease_until = '-infinity' WHERE grp = $1 AND owner = $2`,
      [this.group, this.member],
    );
    await this.db.query('DELETE FROM journey.lease_members WHERE grp = $1 AND member = $2', [this.group, this.member]);
  }

  private async partitions(sql: string, params: readonly unknown[]): Promise<number[]> {
    const { rows } = await this.db.query<{ partition: number }>(sql, params);
    return rows.map((row) => Number(row.partition));
  }

  private publish(partitions: readonly number[]): void {
    const next = new Set(partitions);
    if (next.size === this.held.size && [...next].every((p) => this.held.has(p))) return;
    this.held = next;
    for (const listener of this.listeners) listener();
  }

  private async tickSafely(): Promise<void> {
    if (this.ticking) return;
    this.ticking = this.tick()
      .catch((error: unknown) => this.options.onError?.(error))
      .finally(() => (this.ticking = undefined));
    await this.ticking;
  }
}
