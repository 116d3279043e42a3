export * from './event-store.port';
export * from './errors';
export * from './hash-chain';
export * from './derived-id';
export { Pause } from './postgres/pause';
