/** The PostgreSQL (and PGlite) adapter of the event store: for composition roots only. */
export { PostgresEventStore, COMMIT_CHANNEL, type PostgresEventStoreOptions } from './postgres-event-store';
export type { AppendObserver } from './group-commit';
export { sealStoredPii, plaintextUntil, type SealReport } from './seal-stored';
