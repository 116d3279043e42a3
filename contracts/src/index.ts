import 'reflect-metadata';

export * from './catalogue';
export * from './decorators';
export * from './envelope';
export * from './limits';
export * from './pii';
export * from './streams';
export * from './upcasters';
export * from './validation';
export * from './events/browse.events';
export * from './events/commerce.events';
export * from './events/custom.events';
export * from './events/customer.events';
export * from './events/derived.events';
export * from './events/messaging.events';
export * from './events/support.events';
export * from './contract-schema';
