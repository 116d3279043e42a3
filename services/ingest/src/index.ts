export * from './ingest.module';
export * from './append-events/append-events.handler';
export * from './append-events/ingest-events';
export * from './consume-events/dead-letter';
export * from './consume-events/consume-events.handler';
export * from './consume-events/dead-letter.store';
export * from './consume-events/kafka-ingest.consumer';
