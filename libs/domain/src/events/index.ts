export * from './derived-id';
export * from './derived-event';
