import { Query } from '@nestjs/cqrs';
import type { ReplayReport } from '@journey/projections';

/** Replay the log into scratch tables and compare them with the live read models (which it leaves as they are). */
export class ReplayCheckQuery extends Query<ReplayReport> {}
