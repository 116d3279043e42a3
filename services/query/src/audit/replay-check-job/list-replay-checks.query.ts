import { Query } from '@nestjs/cqrs';
import type { ReplayJob } from './replay-jobs';

/** The replay-check jobs this process keeps (the running one and the last finished ones), newest first. */
export class ListReplayChecksQuery extends Query<{ jobs: ReplayJob[] }> {}
