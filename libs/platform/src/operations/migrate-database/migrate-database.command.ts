import { Command } from '@nestjs/cqrs';
import type { MigrationReport } from '@journey/database';

/** Apply the migrations of infra/sql not applied yet, and the SQL functions that are new or changed. */
export class MigrateDatabaseCommand extends Command<MigrationReport> {}
