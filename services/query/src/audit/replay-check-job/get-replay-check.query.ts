import { Query } from '@nestjs/cqrs';
import type { ReplayJob } from './replay-job';

/** A replay-check job: where it stands, and its report once done. */
export class GetReplayCheckQuery extends Query<ReplayJob> {
  constructor(readonly id: string) {
    super();
  }
}
