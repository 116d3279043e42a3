export * from './event-store.port';
export * from './errors';
export * from './hash-chain';
export { Pause } from './postgres/pause';
export { consumerLag, consumerLags, lagPerConsumer, CONSUMER_LAG_SQL, EXACT_LAG_LIMIT, type ConsumerLag } from './lag/consumer-lag';
export * from './partitions/partition-key';
export * from './partitions/partition-ownership';
export { fairShare } from './partitions/fair-share';
