export * from './event-store.port';
export * from './errors';
export * from './hash-chain';
export * from './derived-id';
export { PostgresEventStore, COMMIT_CHANNEL, type PostgresEventStoreOptions } from './postgres/postgres-event-store';
export type { AppendObserver } from './postgres/group-commit';
export { isBefore } from './postgres/subscription';
export { sealStoredPii, plaintextUntil, type SealReport } from './postgres/seal-stored';
export { Pause } from './postgres/pause';
