import { Query } from '@nestjs/cqrs';

/** How far each consumer of the log is behind, in events and seconds. */
export type ConsumerLags = Readonly<Record<string, { readonly events: number; readonly seconds: number }>>;

export type Health =
  | { readonly status: 'ok'; readonly database: { readonly kind: string; readonly latencyMs: number }; readonly lag?: ConsumerLags }
  | { readonly status: 'unavailable'; readonly database: { readonly kind: string; readonly error: string } };

/** Whether the process can serve: its database answers, and how fast; and how far each consumer lags (shown, not failed). */
export class CheckHealthQuery extends Query<Health> {}
