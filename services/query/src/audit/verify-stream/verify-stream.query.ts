import { Query } from '@nestjs/cqrs';
import type { VerifyResult } from '@journey/event-store';

/** Recompute one stream's hash chain: ok, or the first broken position and why. */
export class VerifyStreamQuery extends Query<VerifyResult> {
  constructor(readonly streamId: string) {
    super();
  }
}
