import { Query } from '@nestjs/cqrs';
import type { AccessEntry, AccessQuery } from '@journey/platform';

export interface AccessLogPage {
  readonly entries: ReadonlyArray<AccessEntry & { readonly id: number }>;
  /** The `after` of the next page; null when this page was not full. */
  readonly next: number | null;
}

/** Who asked what: the API's access log, oldest first. */
export class ReadAccessLogQuery extends Query<AccessLogPage> {
  constructor(readonly filter: AccessQuery) {
    super();
  }
}
