import type { EventResult } from './ingest-events';

export interface IngestReply {
  /** 202 when every event was accepted, 207 when some were rejected. */
  readonly status: 202 | 207;
  readonly body: { readonly accepted: number; readonly rejected: number; readonly results: readonly EventResult[] };
}
