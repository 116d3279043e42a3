import { Query } from '@nestjs/cqrs';

export type Health =
  | { readonly status: 'ok'; readonly database: { readonly kind: string; readonly latencyMs: number } }
  | { readonly status: 'unavailable'; readonly database: { readonly kind: string; readonly error: string } };

/** Whether the process can serve: its database answers, and how fast. */
export class CheckHealthQuery extends Query<Health> {}
