export * from './query.module';
export * from './audit/customer-as-of/customer-as-of.query';
export * from './audit/verify-stream/verify-stream.query';
