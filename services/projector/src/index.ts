export * from './projector.module';
export * from './rebuild-projection/rebuild-projection.command';
export * from './run-rfm/run-rfm.command';
