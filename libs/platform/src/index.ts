export * from './config';
export * from './logger';
export * from './metrics';
export * from './problem';
export * from './tokens';
export * from './platform.module';
export * from './http-app';
