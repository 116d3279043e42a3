import { Command } from '@nestjs/cqrs';
import type { ReplayJob } from './replay-job';

/** Starts a replay check as a job (or answers the one already running). */
export class StartReplayCheckCommand extends Command<ReplayJob> {}
