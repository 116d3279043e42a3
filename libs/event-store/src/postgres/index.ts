/** The PostgreSQL (and PGlite) adapter of the event store: for composition roots only. */
export { PostgresEventStore, type PostgresEventStoreOptions } from './postgres-event-store';
export { COMMIT_CHANNEL } from './commit-channel';
export type { AppendObserver } from './group-commit';
export { sealStoredPii, plaintextUntil, type SealReport } from './seal-stored';
