import { Query } from '@nestjs/cqrs';

/** How far each consumer of the log is behind, in events and seconds. */
export type ConsumerLags = Readonly<Record<string, { readonly events: number; readonly seconds: number }>>;

/** Per consumer group: the partitions this process holds, of how many, shared by how many processes. */
export type PartitionsHeld = Readonly<Record<string, { readonly owned: readonly number[]; readonly of: number; readonly members: number }>>;

export type Health =
  | {
      readonly status: 'ok';
      readonly database: { readonly kind: string; readonly latencyMs: number };
      /** Per consumer; a partitioned consumer has one entry per partition (`name#p/P`). */
      readonly lag?: ConsumerLags;
      readonly partitions?: PartitionsHeld;
    }
  | { readonly status: 'unavailable'; readonly database: { readonly kind: string; readonly error: string } };

/** Whether the process can serve: its database answers, and how fast; and how far each consumer lags (shown, not failed). */
export class CheckHealthQuery extends Query<Health> {}
