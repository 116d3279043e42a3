/** Every failure the database layer reports on purpose; `type` makes the union switchable. */
export type DatabaseError = DataDirInUseError | MigrationChangedError;

/** The embedded database's folder is held by another running process (PGlite is one process). */
export class DataDirInUseError extends Error {
  readonly type = 'data-dir-in-use' as const;
  constructor(
    readonly dataDir: string,
    readonly owner?: number,
  ) {
    super(
      owner === undefined
        ? `could not lock the data folder ${dataDir}`
        : `the data folder ${dataDir} is in use by process ${owner} (a running engine?): stop it, or use PostgreSQL with DATABASE_URL`,
    );
    this.name = 'DataDirInUseError';
  }
}

/** A migration file differs from the one applied: the schema it describes is not the one in the database. */
export class MigrationChangedError extends Error {
  readonly type = 'migration-changed' as const;
  constructor(readonly migration: string) {
    super(`migration ${migration} was changed after it was applied`);
    this.name = 'MigrationChangedError';
  }
}
