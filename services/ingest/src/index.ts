export * from './ingest.module';
export * from './append-events/append-events.handler';
