import { Command } from '@nestjs/cqrs';
import type { RfmReport } from '@journey/projections';

/** Run the value-tier (RFM) job now, as its schedule would. */
export class RunRfmCommand extends Command<RfmReport> {}
