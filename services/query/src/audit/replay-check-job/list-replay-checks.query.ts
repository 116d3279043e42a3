import { Query } from '@nestjs/cqrs';
import type { ReplayJob } from './replay-job';

/** The latest replay-check jobs of every process (journey.jobs), newest first. */
export class ListReplayChecksQuery extends Query<{ jobs: ReplayJob[] }> {}
