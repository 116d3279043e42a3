export * from './saga.module';
