import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { migrate, type Database, type MigrationReport } from '@journey/database';
import { DATABASE, MIGRATIONS, type MigrationsAtOpen } from '../../tokens';
import { MigrateDatabaseCommand } from './migrate-database.command';

/**
 * The process migrates its database as it opens it (nothing else may run on an old schema), so
 * the answer joins what that did with what is still to do now.
 */
@CommandHandler(MigrateDatabaseCommand)
export class MigrateDatabaseHandler implements ICommandHandler<MigrateDatabaseCommand> {
  constructor(
    @Inject(DATABASE) private readonly db: Database,
    @Inject(MIGRATIONS) private readonly atOpen: MigrationsAtOpen,
  ) {}

  async execute(): Promise<MigrationReport> {
    const now = await migrate(this.db);
    const before = this.atOpen.report;
    if (!before) return now;
    return {
      applied: [...before.applied, ...now.applied],
      alreadyApplied: before.alreadyApplied,
      functions: [...new Set([...before.functions, ...now.functions])],
    };
  }
}
