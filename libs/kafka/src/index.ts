export { kafkaClient, type KafkaLogger } from './kafka-client';
export { LazyKafkaProducer } from './lazy-kafka-producer';
export { KafkaLogPublisher } from './kafka-log-publisher';
export { LogRelay, relayMessage, type LogPublisher, type LogRelayOptions, type RelayMessage } from './log-relay';
export * from './kafka-topics';
export { customerPartitioner } from './customer-partitioner';
