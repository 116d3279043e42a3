export * from './engine.module';
